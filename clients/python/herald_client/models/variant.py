from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Variant")


@_attrs_define
class Variant:
    """
    Attributes:
        template (str):
        version (int | None | Unset): The template version to pin; default: the published one.
        share (int | Unset): Percent of the sent group (split mode). Default: 100.
    """

    template: str
    version: int | None | Unset = UNSET
    share: int | Unset = 100

    def to_dict(self) -> dict[str, Any]:
        template = self.template

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        share = self.share

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "template": template,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version
        if share is not UNSET:
            field_dict["share"] = share

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        template = d.pop("template")

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        share = d.pop("share", UNSET)

        variant = cls(
            template=template,
            version=version,
            share=share,
        )

        return variant
