from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="WebPushKeys")


@_attrs_define
class WebPushKeys:
    """
    Attributes:
        p256dh (str): The browser's P-256 public key: 65 bytes, base64url.
        auth (str): The browser's auth secret: 16 bytes, base64url.
    """

    p256dh: str
    auth: str

    def to_dict(self) -> dict[str, Any]:
        p256dh = self.p256dh

        auth = self.auth

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "p256dh": p256dh,
                "auth": auth,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        p256dh = d.pop("p256dh")

        auth = d.pop("auth")

        web_push_keys = cls(
            p256dh=p256dh,
            auth=auth,
        )

        return web_push_keys
