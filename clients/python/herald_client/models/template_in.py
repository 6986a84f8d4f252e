from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_in_content_type_0 import TemplateInContentType0


T = TypeVar("T", bound="TemplateIn")


@_attrs_define
class TemplateIn:
    """A new template; its content becomes version 1, a draft.

    Attributes:
        key (str): What sends name: lowercase letters, digits, `.`, `_`, `-`.
        name (str):
        category (str): Lowercase key: letters, digits, _ . -
        description (str | Unset):  Default: ''.
        default_locale (str | Unset): A BCP 47 locale tag. Default: 'en'.
        content (None | TemplateInContentType0 | Unset):
    """

    key: str
    name: str
    category: str
    description: str | Unset = ""
    default_locale: str | Unset = "en"
    content: None | TemplateInContentType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.template_in_content_type_0 import TemplateInContentType0

        key = self.key

        name = self.name

        category = self.category

        description = self.description

        default_locale = self.default_locale

        content: dict[str, Any] | None | Unset
        if isinstance(self.content, Unset):
            content = UNSET
        elif isinstance(self.content, TemplateInContentType0):
            content = self.content.to_dict()
        else:
            content = self.content

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "name": name,
                "category": category,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if default_locale is not UNSET:
            field_dict["default_locale"] = default_locale
        if content is not UNSET:
            field_dict["content"] = content

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.template_in_content_type_0 import TemplateInContentType0

        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        category = d.pop("category")

        description = d.pop("description", UNSET)

        default_locale = d.pop("default_locale", UNSET)

        def _parse_content(data: object) -> None | TemplateInContentType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                content_type_0 = TemplateInContentType0.from_dict(data)

                return content_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TemplateInContentType0 | Unset, data)

        content = _parse_content(d.pop("content", UNSET))

        template_in = cls(
            key=key,
            name=name,
            category=category,
            description=description,
            default_locale=default_locale,
            content=content,
        )

        return template_in
