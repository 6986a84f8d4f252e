from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.figures import Figures
    from ..models.stats_out_channels import StatsOutChannels
    from ..models.stats_out_reasons import StatsOutReasons
    from ..models.stats_out_variants import StatsOutVariants


T = TypeVar("T", bound="StatsOut")


@_attrs_define
class StatsOut:
    """
    Attributes:
        total (Figures | Unset):
        channels (StatsOutChannels | Unset):
        variants (StatsOutVariants | Unset):
        reasons (StatsOutReasons | Unset): Suppressed, by reason.
        targeted (int | Unset):  Default: 0.
        counted_at (datetime.datetime | None | Unset): When the numbers were counted.
    """

    total: Figures | Unset = UNSET
    channels: StatsOutChannels | Unset = UNSET
    variants: StatsOutVariants | Unset = UNSET
    reasons: StatsOutReasons | Unset = UNSET
    targeted: int | Unset = 0
    counted_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total: dict[str, Any] | Unset = UNSET
        if not isinstance(self.total, Unset):
            total = self.total.to_dict()

        channels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = self.channels.to_dict()

        variants: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variants, Unset):
            variants = self.variants.to_dict()

        reasons: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons.to_dict()

        targeted = self.targeted

        counted_at: None | str | Unset
        if isinstance(self.counted_at, Unset):
            counted_at = UNSET
        elif isinstance(self.counted_at, datetime.datetime):
            counted_at = self.counted_at.isoformat()
        else:
            counted_at = self.counted_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total is not UNSET:
            field_dict["total"] = total
        if channels is not UNSET:
            field_dict["channels"] = channels
        if variants is not UNSET:
            field_dict["variants"] = variants
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if targeted is not UNSET:
            field_dict["targeted"] = targeted
        if counted_at is not UNSET:
            field_dict["counted_at"] = counted_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.figures import Figures
        from ..models.stats_out_channels import StatsOutChannels
        from ..models.stats_out_reasons import StatsOutReasons
        from ..models.stats_out_variants import StatsOutVariants

        d = dict(src_dict)
        _total = d.pop("total", UNSET)
        total: Figures | Unset
        if isinstance(_total, Unset):
            total = UNSET
        else:
            total = Figures.from_dict(_total)

        _channels = d.pop("channels", UNSET)
        channels: StatsOutChannels | Unset
        if isinstance(_channels, Unset):
            channels = UNSET
        else:
            channels = StatsOutChannels.from_dict(_channels)

        _variants = d.pop("variants", UNSET)
        variants: StatsOutVariants | Unset
        if isinstance(_variants, Unset):
            variants = UNSET
        else:
            variants = StatsOutVariants.from_dict(_variants)

        _reasons = d.pop("reasons", UNSET)
        reasons: StatsOutReasons | Unset
        if isinstance(_reasons, Unset):
            reasons = UNSET
        else:
            reasons = StatsOutReasons.from_dict(_reasons)

        targeted = d.pop("targeted", UNSET)

        def _parse_counted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                counted_at_type_0 = datetime.datetime.fromisoformat(data)

                return counted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        counted_at = _parse_counted_at(d.pop("counted_at", UNSET))

        stats_out = cls(
            total=total,
            channels=channels,
            variants=variants,
            reasons=reasons,
            targeted=targeted,
            counted_at=counted_at,
        )

        stats_out.additional_properties = d
        return stats_out

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
