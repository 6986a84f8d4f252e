from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.draft_in_content import DraftInContent


T = TypeVar("T", bound="DraftIn")


@_attrs_define
class DraftIn:
    """The whole content of the draft (a draft is started if there is none).

    Attributes:
        content (DraftInContent): Per locale, per channel: the fields of each channel, Jinja templates rendered with
            `data` and `contact`.
        default_locale (str | Unset): A BCP 47 locale tag. Default: 'en'.
    """

    content: DraftInContent
    default_locale: str | Unset = "en"

    def to_dict(self) -> dict[str, Any]:
        content = self.content.to_dict()

        default_locale = self.default_locale

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content": content,
            }
        )
        if default_locale is not UNSET:
            field_dict["default_locale"] = default_locale

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.draft_in_content import DraftInContent

        d = dict(src_dict)
        content = DraftInContent.from_dict(d.pop("content"))

        default_locale = d.pop("default_locale", UNSET)

        draft_in = cls(
            content=content,
            default_locale=default_locale,
        )

        return draft_in
