from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.campaign_in_ab_mode import CampaignInAbMode
from ..models.campaign_in_channel_mode import CampaignInChannelMode
from ..models.campaign_in_channels_item import CampaignInChannelsItem
from ..models.campaign_in_winner_metric import CampaignInWinnerMetric
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schedule_in import ScheduleIn
    from ..models.variant_in import VariantIn
    from ..models.window_in import WindowIn


T = TypeVar("T", bound="CampaignIn")


@_attrs_define
class CampaignIn:
    """A campaign's whole definition (fields left out take their defaults).

    Attributes:
        name (str):
        category (str):
        segment_id (int | None | Unset):
        exclusion_segment_id (int | None | Unset):
        channels (list[CampaignInChannelsItem] | Unset):
        channel_mode (CampaignInChannelMode | Unset): `all`: every listed channel the contact can receive; `fallback`:
            only the first of them, in the order listed. Default: CampaignInChannelMode.ALL.
        variants (list[VariantIn] | Unset): One template, or 2 to 4 variants (A, B, C, D in this order).
        ab_mode (CampaignInAbMode | Unset):  Default: CampaignInAbMode.SPLIT.
        test_percent (int | Unset):  Default: 20.
        test_wait_minutes (int | Unset):  Default: 240.
        winner_metric (CampaignInWinnerMetric | Unset):  Default: CampaignInWinnerMetric.DELIVERED.
        holdout_percent (int | Unset):  Default: 0.
        schedule (ScheduleIn | Unset):
        window (None | Unset | WindowIn):
        expires_at (datetime.datetime | None | Unset): Nothing is delivered after it.
        throttle_per_minute (int | None | Unset):
    """

    name: str
    category: str
    segment_id: int | None | Unset = UNSET
    exclusion_segment_id: int | None | Unset = UNSET
    channels: list[CampaignInChannelsItem] | Unset = UNSET
    channel_mode: CampaignInChannelMode | Unset = CampaignInChannelMode.ALL
    variants: list[VariantIn] | Unset = UNSET
    ab_mode: CampaignInAbMode | Unset = CampaignInAbMode.SPLIT
    test_percent: int | Unset = 20
    test_wait_minutes: int | Unset = 240
    winner_metric: CampaignInWinnerMetric | Unset = CampaignInWinnerMetric.DELIVERED
    holdout_percent: int | Unset = 0
    schedule: ScheduleIn | Unset = UNSET
    window: None | Unset | WindowIn = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    throttle_per_minute: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.window_in import WindowIn

        name = self.name

        category = self.category

        segment_id: int | None | Unset
        if isinstance(self.segment_id, Unset):
            segment_id = UNSET
        else:
            segment_id = self.segment_id

        exclusion_segment_id: int | None | Unset
        if isinstance(self.exclusion_segment_id, Unset):
            exclusion_segment_id = UNSET
        else:
            exclusion_segment_id = self.exclusion_segment_id

        channels: list[str] | Unset = UNSET
        if not isinstance(self.channels, Unset):
            channels = []
            for channels_item_data in self.channels:
                channels_item = channels_item_data.value
                channels.append(channels_item)

        channel_mode: str | Unset = UNSET
        if not isinstance(self.channel_mode, Unset):
            channel_mode = self.channel_mode.value

        variants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.variants, Unset):
            variants = []
            for variants_item_data in self.variants:
                variants_item = variants_item_data.to_dict()
                variants.append(variants_item)

        ab_mode: str | Unset = UNSET
        if not isinstance(self.ab_mode, Unset):
            ab_mode = self.ab_mode.value

        test_percent = self.test_percent

        test_wait_minutes = self.test_wait_minutes

        winner_metric: str | Unset = UNSET
        if not isinstance(self.winner_metric, Unset):
            winner_metric = self.winner_metric.value

        holdout_percent = self.holdout_percent

        schedule: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule.to_dict()

        window: dict[str, Any] | None | Unset
        if isinstance(self.window, Unset):
            window = UNSET
        elif isinstance(self.window, WindowIn):
            window = self.window.to_dict()
        else:
            window = self.window

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        throttle_per_minute: int | None | Unset
        if isinstance(self.throttle_per_minute, Unset):
            throttle_per_minute = UNSET
        else:
            throttle_per_minute = self.throttle_per_minute

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "category": category,
            }
        )
        if segment_id is not UNSET:
            field_dict["segment_id"] = segment_id
        if exclusion_segment_id is not UNSET:
            field_dict["exclusion_segment_id"] = exclusion_segment_id
        if channels is not UNSET:
            field_dict["channels"] = channels
        if channel_mode is not UNSET:
            field_dict["channel_mode"] = channel_mode
        if variants is not UNSET:
            field_dict["variants"] = variants
        if ab_mode is not UNSET:
            field_dict["ab_mode"] = ab_mode
        if test_percent is not UNSET:
            field_dict["test_percent"] = test_percent
        if test_wait_minutes is not UNSET:
            field_dict["test_wait_minutes"] = test_wait_minutes
        if winner_metric is not UNSET:
            field_dict["winner_metric"] = winner_metric
        if holdout_percent is not UNSET:
            field_dict["holdout_percent"] = holdout_percent
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if window is not UNSET:
            field_dict["window"] = window
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if throttle_per_minute is not UNSET:
            field_dict["throttle_per_minute"] = throttle_per_minute

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.schedule_in import ScheduleIn
        from ..models.variant_in import VariantIn
        from ..models.window_in import WindowIn

        d = dict(src_dict)
        name = d.pop("name")

        category = d.pop("category")

        def _parse_segment_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        segment_id = _parse_segment_id(d.pop("segment_id", UNSET))

        def _parse_exclusion_segment_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exclusion_segment_id = _parse_exclusion_segment_id(
            d.pop("exclusion_segment_id", UNSET)
        )

        _channels = d.pop("channels", UNSET)
        channels: list[CampaignInChannelsItem] | Unset = UNSET
        if _channels is not UNSET:
            channels = []
            for channels_item_data in _channels:
                channels_item = CampaignInChannelsItem(channels_item_data)

                channels.append(channels_item)

        _channel_mode = d.pop("channel_mode", UNSET)
        channel_mode: CampaignInChannelMode | Unset
        if isinstance(_channel_mode, Unset):
            channel_mode = UNSET
        else:
            channel_mode = CampaignInChannelMode(_channel_mode)

        _variants = d.pop("variants", UNSET)
        variants: list[VariantIn] | Unset = UNSET
        if _variants is not UNSET:
            variants = []
            for variants_item_data in _variants:
                variants_item = VariantIn.from_dict(variants_item_data)

                variants.append(variants_item)

        _ab_mode = d.pop("ab_mode", UNSET)
        ab_mode: CampaignInAbMode | Unset
        if isinstance(_ab_mode, Unset):
            ab_mode = UNSET
        else:
            ab_mode = CampaignInAbMode(_ab_mode)

        test_percent = d.pop("test_percent", UNSET)

        test_wait_minutes = d.pop("test_wait_minutes", UNSET)

        _winner_metric = d.pop("winner_metric", UNSET)
        winner_metric: CampaignInWinnerMetric | Unset
        if isinstance(_winner_metric, Unset):
            winner_metric = UNSET
        else:
            winner_metric = CampaignInWinnerMetric(_winner_metric)

        holdout_percent = d.pop("holdout_percent", UNSET)

        _schedule = d.pop("schedule", UNSET)
        schedule: ScheduleIn | Unset
        if isinstance(_schedule, Unset):
            schedule = UNSET
        else:
            schedule = ScheduleIn.from_dict(_schedule)

        def _parse_window(data: object) -> None | Unset | WindowIn:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                window_type_0 = WindowIn.from_dict(data)

                return window_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WindowIn, data)

        window = _parse_window(d.pop("window", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_throttle_per_minute(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        throttle_per_minute = _parse_throttle_per_minute(
            d.pop("throttle_per_minute", UNSET)
        )

        campaign_in = cls(
            name=name,
            category=category,
            segment_id=segment_id,
            exclusion_segment_id=exclusion_segment_id,
            channels=channels,
            channel_mode=channel_mode,
            variants=variants,
            ab_mode=ab_mode,
            test_percent=test_percent,
            test_wait_minutes=test_wait_minutes,
            winner_metric=winner_metric,
            holdout_percent=holdout_percent,
            schedule=schedule,
            window=window,
            expires_at=expires_at,
            throttle_per_minute=throttle_per_minute,
        )

        return campaign_in
