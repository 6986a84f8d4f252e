from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_out_phase import RunOutPhase
from ..models.run_out_status import RunOutStatus
from ..models.run_out_winner_type_0 import RunOutWinnerType0

if TYPE_CHECKING:
    from ..models.stats_out import StatsOut


T = TypeVar("T", bound="RunOut")


@_attrs_define
class RunOut:
    """
    Attributes:
        number (int):
        status (RunOutStatus):
        phase (RunOutPhase):
        scheduled_for (datetime.datetime):
        started_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        winner (None | RunOutWinnerType0):
        winner_reason (None | str):
        failure (None | str):
        stats (StatsOut):
    """

    number: int
    status: RunOutStatus
    phase: RunOutPhase
    scheduled_for: datetime.datetime
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    winner: None | RunOutWinnerType0
    winner_reason: None | str
    failure: None | str
    stats: StatsOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        status = self.status.value

        phase = self.phase.value

        scheduled_for = self.scheduled_for.isoformat()

        started_at = self.started_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        winner: None | str
        if isinstance(self.winner, RunOutWinnerType0):
            winner = self.winner.value
        else:
            winner = self.winner

        winner_reason: None | str
        winner_reason = self.winner_reason

        failure: None | str
        failure = self.failure

        stats = self.stats.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "status": status,
                "phase": phase,
                "scheduled_for": scheduled_for,
                "started_at": started_at,
                "finished_at": finished_at,
                "winner": winner,
                "winner_reason": winner_reason,
                "failure": failure,
                "stats": stats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.stats_out import StatsOut

        d = dict(src_dict)
        number = d.pop("number")

        status = RunOutStatus(d.pop("status"))

        phase = RunOutPhase(d.pop("phase"))

        scheduled_for = datetime.datetime.fromisoformat(d.pop("scheduled_for"))

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_winner(data: object) -> None | RunOutWinnerType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                winner_type_0 = RunOutWinnerType0(data)

                return winner_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunOutWinnerType0, data)

        winner = _parse_winner(d.pop("winner"))

        def _parse_winner_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        winner_reason = _parse_winner_reason(d.pop("winner_reason"))

        def _parse_failure(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure = _parse_failure(d.pop("failure"))

        stats = StatsOut.from_dict(d.pop("stats"))

        run_out = cls(
            number=number,
            status=status,
            phase=phase,
            scheduled_for=scheduled_for,
            started_at=started_at,
            finished_at=finished_at,
            winner=winner,
            winner_reason=winner_reason,
            failure=failure,
            stats=stats,
        )

        run_out.additional_properties = d
        return run_out

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
