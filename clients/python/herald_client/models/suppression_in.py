from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.suppression_in_channel import SuppressionInChannel
from ..models.suppression_in_reason import SuppressionInReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="SuppressionIn")


@_attrs_define
class SuppressionIn:
    """Block an address; one already blocked keeps its first reason.

    Attributes:
        channel (SuppressionInChannel):
        address (str): An email address, or a phone number in E.164 (+ and digits).
        reason (SuppressionInReason | Unset):  Default: SuppressionInReason.MANUAL.
        detail (str | Unset):  Default: ''.
    """

    channel: SuppressionInChannel
    address: str
    reason: SuppressionInReason | Unset = SuppressionInReason.MANUAL
    detail: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel.value

        address = self.address

        reason: str | Unset = UNSET
        if not isinstance(self.reason, Unset):
            reason = self.reason.value

        detail = self.detail

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "address": address,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        channel = SuppressionInChannel(d.pop("channel"))

        address = d.pop("address")

        _reason = d.pop("reason", UNSET)
        reason: SuppressionInReason | Unset
        if isinstance(_reason, Unset):
            reason = UNSET
        else:
            reason = SuppressionInReason(_reason)

        detail = d.pop("detail", UNSET)

        suppression_in = cls(
            channel=channel,
            address=address,
            reason=reason,
            detail=detail,
        )

        return suppression_in
