from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.preferences_in_categories import PreferencesInCategories


T = TypeVar("T", bound="PreferencesIn")


@_attrs_define
class PreferencesIn:
    """
    Attributes:
        categories (PreferencesInCategories):
    """

    categories: PreferencesInCategories

    def to_dict(self) -> dict[str, Any]:
        categories = self.categories.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "categories": categories,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.preferences_in_categories import PreferencesInCategories

        d = dict(src_dict)
        categories = PreferencesInCategories.from_dict(d.pop("categories"))

        preferences_in = cls(
            categories=categories,
        )

        return preferences_in
