from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.notification_out_status import NotificationOutStatus

if TYPE_CHECKING:
    from ..models.notification_out_content_type_0 import NotificationOutContentType0
    from ..models.status_change import StatusChange


T = TypeVar("T", bound="NotificationOut")


@_attrs_define
class NotificationOut:
    """
    Attributes:
        id (UUID):
        source (str):
        contact (None | str): External id; null once the contact is erased.
        channel (str):
        category (str):
        status (NotificationOutStatus):
        reason (None | str):
        attempts (int):
        provider (None | str):
        provider_message_id (None | str):
        error_code (None | str):
        error_message (None | str):
        event_id (None | str):
        send_at (datetime.datetime | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        queued_at (datetime.datetime | None):
        sent_at (datetime.datetime | None):
        delivered_at (datetime.datetime | None):
        failed_at (datetime.datetime | None):
        content (None | NotificationOutContentType0): The rendered content as sent.
        history (list[StatusChange]):
    """

    id: UUID
    source: str
    contact: None | str
    channel: str
    category: str
    status: NotificationOutStatus
    reason: None | str
    attempts: int
    provider: None | str
    provider_message_id: None | str
    error_code: None | str
    error_message: None | str
    event_id: None | str
    send_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    queued_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    failed_at: datetime.datetime | None
    content: None | NotificationOutContentType0
    history: list[StatusChange]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.notification_out_content_type_0 import NotificationOutContentType0

        id = str(self.id)

        source = self.source

        contact: None | str
        contact = self.contact

        channel = self.channel

        category = self.category

        status = self.status.value

        reason: None | str
        reason = self.reason

        attempts = self.attempts

        provider: None | str
        provider = self.provider

        provider_message_id: None | str
        provider_message_id = self.provider_message_id

        error_code: None | str
        error_code = self.error_code

        error_message: None | str
        error_message = self.error_message

        event_id: None | str
        event_id = self.event_id

        send_at: None | str
        if isinstance(self.send_at, datetime.datetime):
            send_at = self.send_at.isoformat()
        else:
            send_at = self.send_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        queued_at: None | str
        if isinstance(self.queued_at, datetime.datetime):
            queued_at = self.queued_at.isoformat()
        else:
            queued_at = self.queued_at

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        failed_at: None | str
        if isinstance(self.failed_at, datetime.datetime):
            failed_at = self.failed_at.isoformat()
        else:
            failed_at = self.failed_at

        content: dict[str, Any] | None
        if isinstance(self.content, NotificationOutContentType0):
            content = self.content.to_dict()
        else:
            content = self.content

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source": source,
                "contact": contact,
                "channel": channel,
                "category": category,
                "status": status,
                "reason": reason,
                "attempts": attempts,
                "provider": provider,
                "provider_message_id": provider_message_id,
                "error_code": error_code,
                "error_message": error_message,
                "event_id": event_id,
                "send_at": send_at,
                "created_at": created_at,
                "updated_at": updated_at,
                "queued_at": queued_at,
                "sent_at": sent_at,
                "delivered_at": delivered_at,
                "failed_at": failed_at,
                "content": content,
                "history": history,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.notification_out_content_type_0 import NotificationOutContentType0
        from ..models.status_change import StatusChange

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        source = d.pop("source")

        def _parse_contact(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact = _parse_contact(d.pop("contact"))

        channel = d.pop("channel")

        category = d.pop("category")

        status = NotificationOutStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        attempts = d.pop("attempts")

        def _parse_provider(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider = _parse_provider(d.pop("provider"))

        def _parse_provider_message_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provider_message_id = _parse_provider_message_id(d.pop("provider_message_id"))

        def _parse_error_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error_code = _parse_error_code(d.pop("error_code"))

        def _parse_error_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error_message = _parse_error_message(d.pop("error_message"))

        def _parse_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        event_id = _parse_event_id(d.pop("event_id"))

        def _parse_send_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                send_at_type_0 = datetime.datetime.fromisoformat(data)

                return send_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        send_at = _parse_send_at(d.pop("send_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_queued_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                queued_at_type_0 = datetime.datetime.fromisoformat(data)

                return queued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        queued_at = _parse_queued_at(d.pop("queued_at"))

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        def _parse_failed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failed_at_type_0 = datetime.datetime.fromisoformat(data)

                return failed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        failed_at = _parse_failed_at(d.pop("failed_at"))

        def _parse_content(data: object) -> None | NotificationOutContentType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = NotificationOutContentType0.from_dict(data)

                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NotificationOutContentType0, data)

        content = _parse_content(d.pop("content"))

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = StatusChange.from_dict(history_item_data)

            history.append(history_item)

        notification_out = cls(
            id=id,
            source=source,
            contact=contact,
            channel=channel,
            category=category,
            status=status,
            reason=reason,
            attempts=attempts,
            provider=provider,
            provider_message_id=provider_message_id,
            error_code=error_code,
            error_message=error_message,
            event_id=event_id,
            send_at=send_at,
            created_at=created_at,
            updated_at=updated_at,
            queued_at=queued_at,
            sent_at=sent_at,
            delivered_at=delivered_at,
            failed_at=failed_at,
            content=content,
            history=history,
        )

        notification_out.additional_properties = d
        return notification_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
