from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.category_in_frequency_action import CategoryInFrequencyAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.category_in_rate_limits import CategoryInRateLimits


T = TypeVar("T", bound="CategoryIn")


@_attrs_define
class CategoryIn:
    """A category's full definition: fields left out take their defaults.

    Attributes:
        name (str):
        description (str | Unset):  Default: ''.
        critical (bool | Unset): Bypass opt-outs, rate limits and quiet hours. Default: False.
        default_opt_in (bool | Unset): Whether contacts receive it until they choose otherwise. Default: True.
        quiet_hours (bool | Unset): Hold messages during the quiet hours. Default: True.
        rate_limits (CategoryInRateLimits | Unset): Per-contact cap per channel.
        marketing (bool | Unset): Marketing, not transactional: its email carries List-Unsubscribe and its campaign
            messages obey frequency caps. Default: False.
        frequency_cap (int | None | Unset): At most this many marketing campaign messages per contact in the window (all
            marketing categories count); none: no cap.
        frequency_window_seconds (int | Unset):  Default: 604800.
        frequency_action (CategoryInFrequencyAction | Unset): Over the cap: suppress the message, or defer it until the
            contact is under the cap again. Default: CategoryInFrequencyAction.SUPPRESS.
    """

    name: str
    description: str | Unset = ""
    critical: bool | Unset = False
    default_opt_in: bool | Unset = True
    quiet_hours: bool | Unset = True
    rate_limits: CategoryInRateLimits | Unset = UNSET
    marketing: bool | Unset = False
    frequency_cap: int | None | Unset = UNSET
    frequency_window_seconds: int | Unset = 604800
    frequency_action: CategoryInFrequencyAction | Unset = (
        CategoryInFrequencyAction.SUPPRESS
    )

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        critical = self.critical

        default_opt_in = self.default_opt_in

        quiet_hours = self.quiet_hours

        rate_limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate_limits, Unset):
            rate_limits = self.rate_limits.to_dict()

        marketing = self.marketing

        frequency_cap: int | None | Unset
        if isinstance(self.frequency_cap, Unset):
            frequency_cap = UNSET
        else:
            frequency_cap = self.frequency_cap

        frequency_window_seconds = self.frequency_window_seconds

        frequency_action: str | Unset = UNSET
        if not isinstance(self.frequency_action, Unset):
            frequency_action = self.frequency_action.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if critical is not UNSET:
            field_dict["critical"] = critical
        if default_opt_in is not UNSET:
            field_dict["default_opt_in"] = default_opt_in
        if quiet_hours is not UNSET:
            field_dict["quiet_hours"] = quiet_hours
        if rate_limits is not UNSET:
            field_dict["rate_limits"] = rate_limits
        if marketing is not UNSET:
            field_dict["marketing"] = marketing
        if frequency_cap is not UNSET:
            field_dict["frequency_cap"] = frequency_cap
        if frequency_window_seconds is not UNSET:
            field_dict["frequency_window_seconds"] = frequency_window_seconds
        if frequency_action is not UNSET:
            field_dict["frequency_action"] = frequency_action

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.category_in_rate_limits import CategoryInRateLimits

        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        critical = d.pop("critical", UNSET)

        default_opt_in = d.pop("default_opt_in", UNSET)

        quiet_hours = d.pop("quiet_hours", UNSET)

        _rate_limits = d.pop("rate_limits", UNSET)
        rate_limits: CategoryInRateLimits | Unset
        if isinstance(_rate_limits, Unset):
            rate_limits = UNSET
        else:
            rate_limits = CategoryInRateLimits.from_dict(_rate_limits)

        marketing = d.pop("marketing", UNSET)

        def _parse_frequency_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        frequency_cap = _parse_frequency_cap(d.pop("frequency_cap", UNSET))

        frequency_window_seconds = d.pop("frequency_window_seconds", UNSET)

        _frequency_action = d.pop("frequency_action", UNSET)
        frequency_action: CategoryInFrequencyAction | Unset
        if isinstance(_frequency_action, Unset):
            frequency_action = UNSET
        else:
            frequency_action = CategoryInFrequencyAction(_frequency_action)

        category_in = cls(
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

        return category_in
