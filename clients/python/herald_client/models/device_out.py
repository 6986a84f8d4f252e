from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeviceOut")


@_attrs_define
class DeviceOut:
    """
    Attributes:
        id (int):
        platform (str):
        provider (str):
        token (str): APNs/FCM token, or the web-push endpoint.
        active (bool):
        deactivated_reason (None | str):
        created_at (datetime.datetime):
        last_seen_at (datetime.datetime):
        deactivated_at (datetime.datetime | None):
    """

    id: int
    platform: str
    provider: str
    token: str
    active: bool
    deactivated_reason: None | str
    created_at: datetime.datetime
    last_seen_at: datetime.datetime
    deactivated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        platform = self.platform

        provider = self.provider

        token = self.token

        active = self.active

        deactivated_reason: None | str
        deactivated_reason = self.deactivated_reason

        created_at = self.created_at.isoformat()

        last_seen_at = self.last_seen_at.isoformat()

        deactivated_at: None | str
        if isinstance(self.deactivated_at, datetime.datetime):
            deactivated_at = self.deactivated_at.isoformat()
        else:
            deactivated_at = self.deactivated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "platform": platform,
                "provider": provider,
                "token": token,
                "active": active,
                "deactivated_reason": deactivated_reason,
                "created_at": created_at,
                "last_seen_at": last_seen_at,
                "deactivated_at": deactivated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        platform = d.pop("platform")

        provider = d.pop("provider")

        token = d.pop("token")

        active = d.pop("active")

        def _parse_deactivated_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        deactivated_reason = _parse_deactivated_reason(d.pop("deactivated_reason"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        last_seen_at = datetime.datetime.fromisoformat(d.pop("last_seen_at"))

        def _parse_deactivated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deactivated_at_type_0 = datetime.datetime.fromisoformat(data)

                return deactivated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deactivated_at = _parse_deactivated_at(d.pop("deactivated_at"))

        device_out = cls(
            id=id,
            platform=platform,
            provider=provider,
            token=token,
            active=active,
            deactivated_reason=deactivated_reason,
            created_at=created_at,
            last_seen_at=last_seen_at,
            deactivated_at=deactivated_at,
        )

        device_out.additional_properties = d
        return device_out

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
