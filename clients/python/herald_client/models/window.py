from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Window")


@_attrs_define
class Window:
    """Only send between start and end, recipient-local, on these weekdays (0 = Monday).

    Attributes:
        start (str):
        end (str):
        days (list[int] | Unset):
    """

    start: str
    end: str
    days: list[int] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        start = self.start

        end = self.end

        days: list[int] | Unset = UNSET
        if not isinstance(self.days, Unset):
            days = self.days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "start": start,
                "end": end,
            }
        )
        if days is not UNSET:
            field_dict["days"] = days

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        start = d.pop("start")

        end = d.pop("end")

        days = cast(list[int], d.pop("days", UNSET))

        window = cls(
            start=start,
            end=end,
            days=days,
        )

        return window
