from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.event_in_kind import EventInKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_in_data_type_0 import EventInDataType0


T = TypeVar("T", bound="EventIn")


@_attrs_define
class EventIn:
    """One event; `id` (or, for an open, the notification) makes a repeat a no-op.

    Attributes:
        kind (EventInKind): `opened`: the app opened a push notification (give `notification_id`); `converted`: a
            purchase or goal, with its value; `custom`: your own (give `name`).
        id (None | str | Unset): Your id for the event: a repeat of it is recorded once.
        name (None | str | Unset): A custom event's name.
        notification_id (None | Unset | UUID): The notification the event follows; default: the contact's last one sent
            within HERALD_ATTRIBUTION_WINDOW_HOURS.
        contact (None | str | Unset): Whose event (when no notification_id is given).
        value (float | None | Unset):
        currency (None | str | Unset): ISO 4217 code, with `value`.
        at (datetime.datetime | None | Unset): When it happened; default now.
        data (EventInDataType0 | None | Unset):
    """

    kind: EventInKind
    id: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    notification_id: None | Unset | UUID = UNSET
    contact: None | str | Unset = UNSET
    value: float | None | Unset = UNSET
    currency: None | str | Unset = UNSET
    at: datetime.datetime | None | Unset = UNSET
    data: EventInDataType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.event_in_data_type_0 import EventInDataType0

        kind = self.kind.value

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        else:
            id = self.id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        notification_id: None | str | Unset
        if isinstance(self.notification_id, Unset):
            notification_id = UNSET
        elif isinstance(self.notification_id, UUID):
            notification_id = str(self.notification_id)
        else:
            notification_id = self.notification_id

        contact: None | str | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        else:
            contact = self.contact

        value: float | None | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, EventInDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if notification_id is not UNSET:
            field_dict["notification_id"] = notification_id
        if contact is not UNSET:
            field_dict["contact"] = contact
        if value is not UNSET:
            field_dict["value"] = value
        if currency is not UNSET:
            field_dict["currency"] = currency
        if at is not UNSET:
            field_dict["at"] = at
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.event_in_data_type_0 import EventInDataType0

        d = dict(src_dict)
        kind = EventInKind(d.pop("kind"))

        def _parse_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_notification_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                notification_id_type_0 = UUID(data)

                return notification_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        notification_id = _parse_notification_id(d.pop("notification_id", UNSET))

        def _parse_contact(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))

        def _parse_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)

                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_data(data: object) -> EventInDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = EventInDataType0.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EventInDataType0 | None | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        event_in = cls(
            kind=kind,
            id=id,
            name=name,
            notification_id=notification_id,
            contact=contact,
            value=value,
            currency=currency,
            at=at,
            data=data,
        )

        return event_in
