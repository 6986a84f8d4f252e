from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.category_out_rate_limits import CategoryOutRateLimits


T = TypeVar("T", bound="CategoryOut")


@_attrs_define
class CategoryOut:
    """
    Attributes:
        key (str):
        name (str):
        description (str):
        critical (bool):
        default_opt_in (bool):
        quiet_hours (bool):
        rate_limits (CategoryOutRateLimits):
        marketing (bool):
        frequency_cap (int | None):
        frequency_window_seconds (int):
        frequency_action (str):
    """

    key: str
    name: str
    description: str
    critical: bool
    default_opt_in: bool
    quiet_hours: bool
    rate_limits: CategoryOutRateLimits
    marketing: bool
    frequency_cap: int | None
    frequency_window_seconds: int
    frequency_action: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        name = self.name

        description = self.description

        critical = self.critical

        default_opt_in = self.default_opt_in

        quiet_hours = self.quiet_hours

        rate_limits = self.rate_limits.to_dict()

        marketing = self.marketing

        frequency_cap: int | None
        frequency_cap = self.frequency_cap

        frequency_window_seconds = self.frequency_window_seconds

        frequency_action = self.frequency_action

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "name": name,
                "description": description,
                "critical": critical,
                "default_opt_in": default_opt_in,
                "quiet_hours": quiet_hours,
                "rate_limits": rate_limits,
                "marketing": marketing,
                "frequency_cap": frequency_cap,
                "frequency_window_seconds": frequency_window_seconds,
                "frequency_action": frequency_action,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.category_out_rate_limits import CategoryOutRateLimits

        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        description = d.pop("description")

        critical = d.pop("critical")

        default_opt_in = d.pop("default_opt_in")

        quiet_hours = d.pop("quiet_hours")

        rate_limits = CategoryOutRateLimits.from_dict(d.pop("rate_limits"))

        marketing = d.pop("marketing")

        def _parse_frequency_cap(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        frequency_cap = _parse_frequency_cap(d.pop("frequency_cap"))

        frequency_window_seconds = d.pop("frequency_window_seconds")

        frequency_action = d.pop("frequency_action")

        category_out = cls(
            key=key,
            name=name,
            description=description,
            critical=critical,
            default_opt_in=default_opt_in,
            quiet_hours=quiet_hours,
            rate_limits=rate_limits,
            marketing=marketing,
            frequency_cap=frequency_cap,
            frequency_window_seconds=frequency_window_seconds,
            frequency_action=frequency_action,
        )

        category_out.additional_properties = d
        return category_out

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
