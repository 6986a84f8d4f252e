from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.contact_summary_attributes import ContactSummaryAttributes


T = TypeVar("T", bound="ContactSummary")


@_attrs_define
class ContactSummary:
    """
    Attributes:
        external_id (str):
        email (None | str):
        phone (None | str):
        locale (None | str):
        timezone (None | str):
        attributes (ContactSummaryAttributes):
        tags (list[str]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        last_seen_at (datetime.datetime | None):
    """

    external_id: str
    email: None | str
    phone: None | str
    locale: None | str
    timezone: None | str
    attributes: ContactSummaryAttributes
    tags: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    last_seen_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        external_id = self.external_id

        email: None | str
        email = self.email

        phone: None | str
        phone = self.phone

        locale: None | str
        locale = self.locale

        timezone: None | str
        timezone = self.timezone

        attributes = self.attributes.to_dict()

        tags = self.tags

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "external_id": external_id,
                "email": email,
                "phone": phone,
                "locale": locale,
                "timezone": timezone,
                "attributes": attributes,
                "tags": tags,
                "created_at": created_at,
                "updated_at": updated_at,
                "last_seen_at": last_seen_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact_summary_attributes import ContactSummaryAttributes

        d = dict(src_dict)
        external_id = d.pop("external_id")

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        def _parse_locale(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        locale = _parse_locale(d.pop("locale"))

        def _parse_timezone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        timezone = _parse_timezone(d.pop("timezone"))

        attributes = ContactSummaryAttributes.from_dict(d.pop("attributes"))

        tags = cast(list[str], d.pop("tags"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("last_seen_at"))

        contact_summary = cls(
            external_id=external_id,
            email=email,
            phone=phone,
            locale=locale,
            timezone=timezone,
            attributes=attributes,
            tags=tags,
            created_at=created_at,
            updated_at=updated_at,
            last_seen_at=last_seen_at,
        )

        contact_summary.additional_properties = d
        return contact_summary

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
