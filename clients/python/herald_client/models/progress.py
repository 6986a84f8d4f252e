from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """
    Attributes:
        percent (int):
        rows (int):
        done (int):
        remaining (int):
        per_second (float):
        eta (datetime.datetime | None):
    """

    percent: int
    rows: int
    done: int
    remaining: int
    per_second: float
    eta: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        percent = self.percent

        rows = self.rows

        done = self.done

        remaining = self.remaining

        per_second = self.per_second

        eta: None | str
        if isinstance(self.eta, datetime.datetime):
            eta = self.eta.isoformat()
        else:
            eta = self.eta

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "percent": percent,
                "rows": rows,
                "done": done,
                "remaining": remaining,
                "per_second": per_second,
                "eta": eta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        percent = d.pop("percent")

        rows = d.pop("rows")

        done = d.pop("done")

        remaining = d.pop("remaining")

        per_second = d.pop("per_second")

        def _parse_eta(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                eta_type_0 = datetime.datetime.fromisoformat(data)

                return eta_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        eta = _parse_eta(d.pop("eta"))

        progress = cls(
            percent=percent,
            rows=rows,
            done=done,
            remaining=remaining,
            per_second=per_second,
            eta=eta,
        )

        progress.additional_properties = d
        return progress

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
