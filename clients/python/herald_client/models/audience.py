from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audience_channels import AudienceChannels
    from ..models.audience_reasons import AudienceReasons


T = TypeVar("T", bound="Audience")


@_attrs_define
class Audience:
    """
    Attributes:
        channels (AudienceChannels): Per channel: `send` and how many are left out, by reason.
        contacts (int): Contacts in the audience.
        send (int): Messages that would be sent.
        reasons (AudienceReasons):
    """

    channels: AudienceChannels
    contacts: int
    send: int
    reasons: AudienceReasons
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channels = self.channels.to_dict()

        contacts = self.contacts

        send = self.send

        reasons = self.reasons.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channels": channels,
                "contacts": contacts,
                "send": send,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audience_channels import AudienceChannels
        from ..models.audience_reasons import AudienceReasons

        d = dict(src_dict)
        channels = AudienceChannels.from_dict(d.pop("channels"))

        contacts = d.pop("contacts")

        send = d.pop("send")

        reasons = AudienceReasons.from_dict(d.pop("reasons"))

        audience = cls(
            channels=channels,
            contacts=contacts,
            send=send,
            reasons=reasons,
        )

        audience.additional_properties = d
        return audience

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
