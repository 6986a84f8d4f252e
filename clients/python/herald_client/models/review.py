from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audience import Audience
    from ..models.review_errors_item import ReviewErrorsItem


T = TypeVar("T", bound="Review")


@_attrs_define
class Review:
    """
    Attributes:
        audience (Audience):
        estimated_seconds (int | None): At the throttle; null: unthrottled.
        first_run_at (datetime.datetime | None): A draft: when it would start if scheduled now; else its next run.
        next_runs (list[datetime.datetime]): A recurring campaign's next five runs.
        errors (list[ReviewErrorsItem]): What stops a draft from being scheduled, as {field, message}.
    """

    audience: Audience
    estimated_seconds: int | None
    first_run_at: datetime.datetime | None
    next_runs: list[datetime.datetime]
    errors: list[ReviewErrorsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        audience = self.audience.to_dict()

        estimated_seconds: int | None
        estimated_seconds = self.estimated_seconds

        first_run_at: None | str
        if isinstance(self.first_run_at, datetime.datetime):
            first_run_at = self.first_run_at.isoformat()
        else:
            first_run_at = self.first_run_at

        next_runs = []
        for next_runs_item_data in self.next_runs:
            next_runs_item = next_runs_item_data.isoformat()
            next_runs.append(next_runs_item)

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "audience": audience,
                "estimated_seconds": estimated_seconds,
                "first_run_at": first_run_at,
                "next_runs": next_runs,
                "errors": errors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audience import Audience
        from ..models.review_errors_item import ReviewErrorsItem

        d = dict(src_dict)
        audience = Audience.from_dict(d.pop("audience"))

        def _parse_estimated_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        estimated_seconds = _parse_estimated_seconds(d.pop("estimated_seconds"))

        def _parse_first_run_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_run_at = _parse_first_run_at(d.pop("first_run_at"))

        next_runs = []
        _next_runs = d.pop("next_runs")
        for next_runs_item_data in _next_runs:
            next_runs_item = datetime.datetime.fromisoformat(next_runs_item_data)

            next_runs.append(next_runs_item)

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ReviewErrorsItem.from_dict(errors_item_data)

            errors.append(errors_item)

        review = cls(
            audience=audience,
            estimated_seconds=estimated_seconds,
            first_run_at=first_run_at,
            next_runs=next_runs,
            errors=errors,
        )

        review.additional_properties = d
        return review

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
