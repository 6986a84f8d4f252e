from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.version_out_status import VersionOutStatus

if TYPE_CHECKING:
    from ..models.version_out_content import VersionOutContent


T = TypeVar("T", bound="VersionOut")


@_attrs_define
class VersionOut:
    """
    Attributes:
        version (int):
        status (VersionOutStatus):
        default_locale (str):
        content (VersionOutContent):
        created_by (None | str):
        created_at (datetime.datetime):
        published_at (datetime.datetime | None):
    """

    version: int
    status: VersionOutStatus
    default_locale: str
    content: VersionOutContent
    created_by: None | str
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        status = self.status.value

        default_locale = self.default_locale

        content = self.content.to_dict()

        created_by: None | str
        created_by = self.created_by

        created_at = self.created_at.isoformat()

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "status": status,
                "default_locale": default_locale,
                "content": content,
                "created_by": created_by,
                "created_at": created_at,
                "published_at": published_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.version_out_content import VersionOutContent

        d = dict(src_dict)
        version = d.pop("version")

        status = VersionOutStatus(d.pop("status"))

        default_locale = d.pop("default_locale")

        content = VersionOutContent.from_dict(d.pop("content"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)

                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))

        version_out = cls(
            version=version,
            status=status,
            default_locale=default_locale,
            content=content,
            created_by=created_by,
            created_at=created_at,
            published_at=published_at,
        )

        version_out.additional_properties = d
        return version_out

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
