from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.version_out import VersionOut


T = TypeVar("T", bound="TemplateOut")


@_attrs_define
class TemplateOut:
    """
    Attributes:
        key (str):
        name (str):
        category (str):
        description (str):
        live_version (int | None): The published version sends use.
        draft_version (int | None): The unpublished draft, if any.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        live (None | VersionOut):
        draft (None | VersionOut):
    """

    key: str
    name: str
    category: str
    description: str
    live_version: int | None
    draft_version: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    live: None | VersionOut
    draft: None | VersionOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.version_out import VersionOut

        key = self.key

        name = self.name

        category = self.category

        description = self.description

        live_version: int | None
        live_version = self.live_version

        draft_version: int | None
        draft_version = self.draft_version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        live: dict[str, Any] | None
        if isinstance(self.live, VersionOut):
            live = self.live.to_dict()
        else:
            live = self.live

        draft: dict[str, Any] | None
        if isinstance(self.draft, VersionOut):
            draft = self.draft.to_dict()
        else:
            draft = self.draft

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "name": name,
                "category": category,
                "description": description,
                "live_version": live_version,
                "draft_version": draft_version,
                "created_at": created_at,
                "updated_at": updated_at,
                "live": live,
                "draft": draft,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.version_out import VersionOut

        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        category = d.pop("category")

        description = d.pop("description")

        def _parse_live_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        live_version = _parse_live_version(d.pop("live_version"))

        def _parse_draft_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        draft_version = _parse_draft_version(d.pop("draft_version"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_live(data: object) -> None | VersionOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                live_type_0 = VersionOut.from_dict(data)

                return live_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VersionOut, data)

        live = _parse_live(d.pop("live"))

        def _parse_draft(data: object) -> None | VersionOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                draft_type_0 = VersionOut.from_dict(data)

                return draft_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VersionOut, data)

        draft = _parse_draft(d.pop("draft"))

        template_out = cls(
            key=key,
            name=name,
            category=category,
            description=description,
            live_version=live_version,
            draft_version=draft_version,
            created_at=created_at,
            updated_at=updated_at,
            live=live,
            draft=draft,
        )

        template_out.additional_properties = d
        return template_out

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
