from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RateLimit")


@_attrs_define
class RateLimit:
    """
    Attributes:
        limit (int):
        per_seconds (int):
    """

    limit: int
    per_seconds: int

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        per_seconds = self.per_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limit": limit,
                "per_seconds": per_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        limit = d.pop("limit")

        per_seconds = d.pop("per_seconds")

        rate_limit = cls(
            limit=limit,
            per_seconds=per_seconds,
        )

        return rate_limit
