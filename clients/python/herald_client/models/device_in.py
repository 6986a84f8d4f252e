from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.device_in_platform import DeviceInPlatform
from ..models.device_in_provider_type_0 import DeviceInProviderType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.web_push_subscription import WebPushSubscription


T = TypeVar("T", bound="DeviceIn")


@_attrs_define
class DeviceIn:
    """A device: `token` for ios (APNs, 64 hex) and android (an FCM token, or a JPush
    registration id with `provider` "jpush"); `subscription` for web.

        Attributes:
            platform (DeviceInPlatform):
            provider (DeviceInProviderType0 | None | Unset): android only: `jpush` for devices without Google services (the
                token is then a JPush registration id); FCM by default.
            token (None | str | Unset):
            subscription (None | Unset | WebPushSubscription):
    """

    platform: DeviceInPlatform
    provider: DeviceInProviderType0 | None | Unset = UNSET
    token: None | str | Unset = UNSET
    subscription: None | Unset | WebPushSubscription = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.web_push_subscription import WebPushSubscription

        platform = self.platform.value

        provider: None | str | Unset
        if isinstance(self.provider, Unset):
            provider = UNSET
        elif isinstance(self.provider, DeviceInProviderType0):
            provider = self.provider.value
        else:
            provider = self.provider

        token: None | str | Unset
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token

        subscription: dict[str, Any] | None | Unset
        if isinstance(self.subscription, Unset):
            subscription = UNSET
        elif isinstance(self.subscription, WebPushSubscription):
            subscription = self.subscription.to_dict()
        else:
            subscription = self.subscription

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "platform": platform,
            }
        )
        if provider is not UNSET:
            field_dict["provider"] = provider
        if token is not UNSET:
            field_dict["token"] = token
        if subscription is not UNSET:
            field_dict["subscription"] = subscription

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.web_push_subscription import WebPushSubscription

        d = dict(src_dict)
        platform = DeviceInPlatform(d.pop("platform"))

        def _parse_provider(data: object) -> DeviceInProviderType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                provider_type_0 = DeviceInProviderType0(data)

                return provider_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeviceInProviderType0 | None | Unset, data)

        provider = _parse_provider(d.pop("provider", UNSET))

        def _parse_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token = _parse_token(d.pop("token", UNSET))

        def _parse_subscription(data: object) -> None | Unset | WebPushSubscription:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                subscription_type_0 = WebPushSubscription.from_dict(data)

                return subscription_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WebPushSubscription, data)

        subscription = _parse_subscription(d.pop("subscription", UNSET))

        device_in = cls(
            platform=platform,
            provider=provider,
            token=token,
            subscription=subscription,
        )

        return device_in
