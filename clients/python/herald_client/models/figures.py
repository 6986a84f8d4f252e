from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Figures")


@_attrs_define
class Figures:
    """
    Attributes:
        rows (int | Unset):  Default: 0.
        held (int | Unset): Waiting for their send time (recipient zone, window). Default: 0.
        waiting (int | Unset): Due, waiting for the throttle or the next tick. Default: 0.
        queued (int | Unset):  Default: 0.
        sent (int | Unset):  Default: 0.
        delivered (int | Unset):  Default: 0.
        failed (int | Unset):  Default: 0.
        suppressed (int | Unset):  Default: 0.
    """

    rows: int | Unset = 0
    held: int | Unset = 0
    waiting: int | Unset = 0
    queued: int | Unset = 0
    sent: int | Unset = 0
    delivered: int | Unset = 0
    failed: int | Unset = 0
    suppressed: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows

        held = self.held

        waiting = self.waiting

        queued = self.queued

        sent = self.sent

        delivered = self.delivered

        failed = self.failed

        suppressed = self.suppressed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if rows is not UNSET:
            field_dict["rows"] = rows
        if held is not UNSET:
            field_dict["held"] = held
        if waiting is not UNSET:
            field_dict["waiting"] = waiting
        if queued is not UNSET:
            field_dict["queued"] = queued
        if sent is not UNSET:
            field_dict["sent"] = sent
        if delivered is not UNSET:
            field_dict["delivered"] = delivered
        if failed is not UNSET:
            field_dict["failed"] = failed
        if suppressed is not UNSET:
            field_dict["suppressed"] = suppressed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        rows = d.pop("rows", UNSET)

        held = d.pop("held", UNSET)

        waiting = d.pop("waiting", UNSET)

        queued = d.pop("queued", UNSET)

        sent = d.pop("sent", UNSET)

        delivered = d.pop("delivered", UNSET)

        failed = d.pop("failed", UNSET)

        suppressed = d.pop("suppressed", UNSET)

        figures = cls(
            rows=rows,
            held=held,
            waiting=waiting,
            queued=queued,
            sent=sent,
            delivered=delivered,
            failed=failed,
            suppressed=suppressed,
        )

        figures.additional_properties = d
        return figures

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
