from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.push_fields_data_type_0 import PushFieldsDataType0


T = TypeVar("T", bound="PushFields")


@_attrs_define
class PushFields:
    """
    Attributes:
        title (None | str | Unset):
        body (None | str | Unset):
        image (None | str | Unset):
        deep_link (None | str | Unset):
        sound (None | str | Unset):
        badge (int | None | Unset):
        data (None | PushFieldsDataType0 | Unset): Key-value strings for the app.
    """

    title: None | str | Unset = UNSET
    body: None | str | Unset = UNSET
    image: None | str | Unset = UNSET
    deep_link: None | str | Unset = UNSET
    sound: None | str | Unset = UNSET
    badge: int | None | Unset = UNSET
    data: None | PushFieldsDataType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.push_fields_data_type_0 import PushFieldsDataType0

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        body: None | str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        image: None | str | Unset
        if isinstance(self.image, Unset):
            image = UNSET
        else:
            image = self.image

        deep_link: None | str | Unset
        if isinstance(self.deep_link, Unset):
            deep_link = UNSET
        else:
            deep_link = self.deep_link

        sound: None | str | Unset
        if isinstance(self.sound, Unset):
            sound = UNSET
        else:
            sound = self.sound

        badge: int | None | Unset
        if isinstance(self.badge, Unset):
            badge = UNSET
        else:
            badge = self.badge

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, PushFieldsDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if body is not UNSET:
            field_dict["body"] = body
        if image is not UNSET:
            field_dict["image"] = image
        if deep_link is not UNSET:
            field_dict["deep_link"] = deep_link
        if sound is not UNSET:
            field_dict["sound"] = sound
        if badge is not UNSET:
            field_dict["badge"] = badge
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.push_fields_data_type_0 import PushFieldsDataType0

        d = dict(src_dict)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_body(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        def _parse_image(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image = _parse_image(d.pop("image", UNSET))

        def _parse_deep_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deep_link = _parse_deep_link(d.pop("deep_link", UNSET))

        def _parse_sound(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sound = _parse_sound(d.pop("sound", UNSET))

        def _parse_badge(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        badge = _parse_badge(d.pop("badge", UNSET))

        def _parse_data(data: object) -> None | PushFieldsDataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = PushFieldsDataType0.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PushFieldsDataType0 | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        push_fields = cls(
            title=title,
            body=body,
            image=image,
            deep_link=deep_link,
            sound=sound,
            badge=badge,
            data=data,
        )

        return push_fields
