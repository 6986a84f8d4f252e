from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SuppressionOut")


@_attrs_define
class SuppressionOut:
    """
    Attributes:
        channel (str):
        address (str):
        reason (str):
        detail (str):
        created_at (datetime.datetime):
    """

    channel: str
    address: str
    reason: str
    detail: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        address = self.address

        reason = self.reason

        detail = self.detail

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channel": channel,
                "address": address,
                "reason": reason,
                "detail": detail,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        channel = d.pop("channel")

        address = d.pop("address")

        reason = d.pop("reason")

        detail = d.pop("detail")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        suppression_out = cls(
            channel=channel,
            address=address,
            reason=reason,
            detail=detail,
            created_at=created_at,
        )

        suppression_out.additional_properties = d
        return suppression_out

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
