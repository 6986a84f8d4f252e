from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.schedule_in_kind import ScheduleInKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleIn")


@_attrs_define
class ScheduleIn:
    """
    Attributes:
        kind (ScheduleInKind | Unset):  Default: ScheduleInKind.NOW.
        send_at (datetime.datetime | None | Unset): kind `at`: when to send.
        local_date (datetime.date | None | Unset): kind `local`: the recipients' day.
        local_time (None | str | Unset): kind `local`: the recipients' time.
        cron (None | str | Unset): kind `recurring`: a cron expression, in `timezone`.
        timezone (str | Unset): The zone `cron` and the console's times use. Default: 'UTC'.
        default_timezone (str | Unset): The zone of contacts without one. Default: 'UTC'.
    """

    kind: ScheduleInKind | Unset = ScheduleInKind.NOW
    send_at: datetime.datetime | None | Unset = UNSET
    local_date: datetime.date | None | Unset = UNSET
    local_time: None | str | Unset = UNSET
    cron: None | str | Unset = UNSET
    timezone: str | Unset = "UTC"
    default_timezone: str | Unset = "UTC"

    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        send_at: None | str | Unset
        if isinstance(self.send_at, Unset):
            send_at = UNSET
        elif isinstance(self.send_at, datetime.datetime):
            send_at = self.send_at.isoformat()
        else:
            send_at = self.send_at

        local_date: None | str | Unset
        if isinstance(self.local_date, Unset):
            local_date = UNSET
        elif isinstance(self.local_date, datetime.date):
            local_date = self.local_date.isoformat()
        else:
            local_date = self.local_date

        local_time: None | str | Unset
        if isinstance(self.local_time, Unset):
            local_time = UNSET
        else:
            local_time = self.local_time

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        timezone = self.timezone

        default_timezone = self.default_timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if send_at is not UNSET:
            field_dict["send_at"] = send_at
        if local_date is not UNSET:
            field_dict["local_date"] = local_date
        if local_time is not UNSET:
            field_dict["local_time"] = local_time
        if cron is not UNSET:
            field_dict["cron"] = cron
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if default_timezone is not UNSET:
            field_dict["default_timezone"] = default_timezone

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _kind = d.pop("kind", UNSET)
        kind: ScheduleInKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ScheduleInKind(_kind)

        def _parse_send_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                send_at_type_0 = datetime.datetime.fromisoformat(data)

                return send_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        send_at = _parse_send_at(d.pop("send_at", UNSET))

        def _parse_local_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                local_date_type_0 = datetime.date.fromisoformat(data)

                return local_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        local_date = _parse_local_date(d.pop("local_date", UNSET))

        def _parse_local_time(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        local_time = _parse_local_time(d.pop("local_time", UNSET))

        def _parse_cron(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cron = _parse_cron(d.pop("cron", UNSET))

        timezone = d.pop("timezone", UNSET)

        default_timezone = d.pop("default_timezone", UNSET)

        schedule_in = cls(
            kind=kind,
            send_at=send_at,
            local_date=local_date,
            local_time=local_time,
            cron=cron,
            timezone=timezone,
            default_timezone=default_timezone,
        )

        return schedule_in
