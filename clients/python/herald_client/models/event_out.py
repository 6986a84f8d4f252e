from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EventOut")


@_attrs_define
class EventOut:
    """
    Attributes:
        id (UUID):
        kind (str):
        name (None | str):
        notification_id (None | UUID):
        contact (None | str):
        value (float | None):
        currency (None | str):
        at (datetime.datetime):
        duplicate (bool): This event was recorded before; nothing changed.
    """

    id: UUID
    kind: str
    name: None | str
    notification_id: None | UUID
    contact: None | str
    value: float | None
    currency: None | str
    at: datetime.datetime
    duplicate: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        kind = self.kind

        name: None | str
        name = self.name

        notification_id: None | str
        if isinstance(self.notification_id, UUID):
            notification_id = str(self.notification_id)
        else:
            notification_id = self.notification_id

        contact: None | str
        contact = self.contact

        value: float | None
        value = self.value

        currency: None | str
        currency = self.currency

        at = self.at.isoformat()

        duplicate = self.duplicate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "name": name,
                "notification_id": notification_id,
                "contact": contact,
                "value": value,
                "currency": currency,
                "at": at,
                "duplicate": duplicate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_notification_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                notification_id_type_0 = UUID(data)

                return notification_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        notification_id = _parse_notification_id(d.pop("notification_id"))

        def _parse_contact(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact = _parse_contact(d.pop("contact"))

        def _parse_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value = _parse_value(d.pop("value"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        duplicate = d.pop("duplicate")

        event_out = cls(
            id=id,
            kind=kind,
            name=name,
            notification_id=notification_id,
            contact=contact,
            value=value,
            currency=currency,
            at=at,
            duplicate=duplicate,
        )

        event_out.additional_properties = d
        return event_out

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
