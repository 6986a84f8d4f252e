from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.push_content_priority_type_0 import PushContentPriorityType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.push_content_data_type_0 import PushContentDataType0


T = TypeVar("T", bound="PushContent")


@_attrs_define
class PushContent:
    """Push content; text fields are templates rendered with `data` and `contact`.

    Attributes:
        title (None | str | Unset):
        body (None | str | Unset):
        image (None | str | Unset):
        deep_link (None | str | Unset):
        data (None | PushContentDataType0 | Unset): Key-value strings delivered to the app. Reserved keys are refused:
            `from`, `message_type`, `notification`, `collapse_key`, `herald_id` and any key starting with `google` or `gcm`.
        badge (int | None | Unset):
        sound (None | str | Unset):
        collapse_key (None | str | Unset):
        ttl_seconds (int | None | Unset):
        priority (None | PushContentPriorityType0 | Unset):
    """

    title: None | str | Unset = UNSET
    body: None | str | Unset = UNSET
    image: None | str | Unset = UNSET
    deep_link: None | str | Unset = UNSET
    data: None | PushContentDataType0 | Unset = UNSET
    badge: int | None | Unset = UNSET
    sound: None | str | Unset = UNSET
    collapse_key: None | str | Unset = UNSET
    ttl_seconds: int | None | Unset = UNSET
    priority: None | PushContentPriorityType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.push_content_data_type_0 import PushContentDataType0

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

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, PushContentDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        badge: int | None | Unset
        if isinstance(self.badge, Unset):
            badge = UNSET
        else:
            badge = self.badge

        sound: None | str | Unset
        if isinstance(self.sound, Unset):
            sound = UNSET
        else:
            sound = self.sound

        collapse_key: None | str | Unset
        if isinstance(self.collapse_key, Unset):
            collapse_key = UNSET
        else:
            collapse_key = self.collapse_key

        ttl_seconds: int | None | Unset
        if isinstance(self.ttl_seconds, Unset):
            ttl_seconds = UNSET
        else:
            ttl_seconds = self.ttl_seconds

        priority: None | str | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        elif isinstance(self.priority, PushContentPriorityType0):
            priority = self.priority.value
        else:
            priority = self.priority

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
        if data is not UNSET:
            field_dict["data"] = data
        if badge is not UNSET:
            field_dict["badge"] = badge
        if sound is not UNSET:
            field_dict["sound"] = sound
        if collapse_key is not UNSET:
            field_dict["collapse_key"] = collapse_key
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.push_content_data_type_0 import PushContentDataType0

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

        def _parse_data(data: object) -> None | PushContentDataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = PushContentDataType0.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PushContentDataType0 | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        def _parse_badge(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        badge = _parse_badge(d.pop("badge", UNSET))

        def _parse_sound(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sound = _parse_sound(d.pop("sound", UNSET))

        def _parse_collapse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        collapse_key = _parse_collapse_key(d.pop("collapse_key", UNSET))

        def _parse_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_seconds = _parse_ttl_seconds(d.pop("ttl_seconds", UNSET))

        def _parse_priority(data: object) -> None | PushContentPriorityType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                priority_type_0 = PushContentPriorityType0(data)

                return priority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PushContentPriorityType0 | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))

        push_content = cls(
            title=title,
            body=body,
            image=image,
            deep_link=deep_link,
            data=data,
            badge=badge,
            sound=sound,
            collapse_key=collapse_key,
            ttl_seconds=ttl_seconds,
            priority=priority,
        )

        return push_content
