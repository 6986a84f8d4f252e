from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.accepted_notification_status import AcceptedNotificationStatus

T = TypeVar("T", bound="AcceptedNotification")


@_attrs_define
class AcceptedNotification:
    """
    Attributes:
        id (UUID):
        contact (None | str):
        channel (str):
        status (AcceptedNotificationStatus):
        reason (None | str):
        send_at (datetime.datetime | None):
    """

    id: UUID
    contact: None | str
    channel: str
    status: AcceptedNotificationStatus
    reason: None | str
    send_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        contact: None | str
        contact = self.contact

        channel = self.channel

        status = self.status.value

        reason: None | str
        reason = self.reason

        send_at: None | str
        if isinstance(self.send_at, datetime.datetime):
            send_at = self.send_at.isoformat()
        else:
            send_at = self.send_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "contact": contact,
                "channel": channel,
                "status": status,
                "reason": reason,
                "send_at": send_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_contact(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact = _parse_contact(d.pop("contact"))

        channel = d.pop("channel")

        status = AcceptedNotificationStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

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

        accepted_notification = cls(
            id=id,
            contact=contact,
            channel=channel,
            status=status,
            reason=reason,
            send_at=send_at,
        )

        accepted_notification.additional_properties = d
        return accepted_notification

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
