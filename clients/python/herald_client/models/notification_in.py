from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.notification_in_channels_type_0_item import (
    NotificationInChannelsType0Item,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.inline_content import InlineContent
    from ..models.notification_in_data import NotificationInData


T = TypeVar("T", bound="NotificationIn")


@_attrs_define
class NotificationIn:
    """Send to contacts: a published template with data, or inline content.

    Attributes:
        recipients (list[str]): Contact external ids (1 to 1,000).
        category (str): Lowercase key: letters, digits, _ . -
        channels (list[NotificationInChannelsType0Item] | None | Unset): Default: every channel each contact can
            receive.
        template (None | str | Unset):
        data (NotificationInData | Unset):
        content (InlineContent | None | Unset):
        send_at (datetime.datetime | None | Unset): RFC 3339 time with an offset, from 5 minutes ago to 365 days ahead
            (HERALD_MAX_SCHEDULE_DAYS); default now.
        event_id (None | str | Unset): Your id for the event; a repeat within 24 h sends nothing, whatever the
            Idempotency-Key header says.
    """

    recipients: list[str]
    category: str
    channels: list[NotificationInChannelsType0Item] | None | Unset = UNSET
    template: None | str | Unset = UNSET
    data: NotificationInData | Unset = UNSET
    content: InlineContent | None | Unset = UNSET
    send_at: datetime.datetime | None | Unset = UNSET
    event_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.inline_content import InlineContent

        recipients = self.recipients

        category = self.category

        channels: list[str] | None | Unset
        if isinstance(self.channels, Unset):
            channels = UNSET
        elif isinstance(self.channels, list):
            channels = []
            for channels_type_0_item_data in self.channels:
                channels_type_0_item = channels_type_0_item_data.value
                channels.append(channels_type_0_item)

        else:
            channels = self.channels

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        content: dict[str, Any] | None | Unset
        if isinstance(self.content, Unset):
            content = UNSET
        elif isinstance(self.content, InlineContent):
            content = self.content.to_dict()
        else:
            content = self.content

        send_at: None | str | Unset
        if isinstance(self.send_at, Unset):
            send_at = UNSET
        elif isinstance(self.send_at, datetime.datetime):
            send_at = self.send_at.isoformat()
        else:
            send_at = self.send_at

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "recipients": recipients,
                "category": category,
            }
        )
        if channels is not UNSET:
            field_dict["channels"] = channels
        if template is not UNSET:
            field_dict["template"] = template
        if data is not UNSET:
            field_dict["data"] = data
        if content is not UNSET:
            field_dict["content"] = content
        if send_at is not UNSET:
            field_dict["send_at"] = send_at
        if event_id is not UNSET:
            field_dict["event_id"] = event_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.inline_content import InlineContent
        from ..models.notification_in_data import NotificationInData

        d = dict(src_dict)
        recipients = cast(list[str], d.pop("recipients"))

        category = d.pop("category")

        def _parse_channels(
            data: object,
        ) -> list[NotificationInChannelsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                channels_type_0 = []
                _channels_type_0 = data
                for channels_type_0_item_data in _channels_type_0:
                    channels_type_0_item = NotificationInChannelsType0Item(
                        channels_type_0_item_data
                    )

                    channels_type_0.append(channels_type_0_item)

                return channels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[NotificationInChannelsType0Item] | None | Unset, data)

        channels = _parse_channels(d.pop("channels", UNSET))

        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))

        _data = d.pop("data", UNSET)
        data: NotificationInData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = NotificationInData.from_dict(_data)

        def _parse_content(data: object) -> InlineContent | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = InlineContent.from_dict(data)

                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InlineContent | None | Unset, data)

        content = _parse_content(d.pop("content", UNSET))

        def _parse_send_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                send_at_type_0 = datetime.datetime.fromisoformat(data)

                return send_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        send_at = _parse_send_at(d.pop("send_at", UNSET))

        def _parse_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_id = _parse_event_id(d.pop("event_id", UNSET))

        notification_in = cls(
            recipients=recipients,
            category=category,
            channels=channels,
            template=template,
            data=data,
            content=content,
            send_at=send_at,
            event_id=event_id,
        )

        return notification_in
