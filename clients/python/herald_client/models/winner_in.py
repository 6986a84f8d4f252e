from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.winner_in_variant import WinnerInVariant

T = TypeVar("T", bound="WinnerIn")


@_attrs_define
class WinnerIn:
    """
    Attributes:
        variant (WinnerInVariant): The variant the rest of the audience gets.
    """

    variant: WinnerInVariant

    def to_dict(self) -> dict[str, Any]:
        variant = self.variant.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "variant": variant,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        variant = WinnerInVariant(d.pop("variant"))

        winner_in = cls(
            variant=variant,
        )

        return winner_in
