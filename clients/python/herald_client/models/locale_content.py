from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.email_fields import EmailFields
    from ..models.push_fields import PushFields
    from ..models.sms_fields import SmsFields


T = TypeVar("T", bound="LocaleContent")


@_attrs_define
class LocaleContent:
    """
    Attributes:
        push (None | PushFields | Unset):
        sms (None | SmsFields | Unset):
        email (EmailFields | None | Unset):
    """

    push: None | PushFields | Unset = UNSET
    sms: None | SmsFields | Unset = UNSET
    email: EmailFields | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.email_fields import EmailFields
        from ..models.push_fields import PushFields
        from ..models.sms_fields import SmsFields

        push: dict[str, Any] | None | Unset
        if isinstance(self.push, Unset):
            push = UNSET
        elif isinstance(self.push, PushFields):
            push = self.push.to_dict()
        else:
            push = self.push

        sms: dict[str, Any] | None | Unset
        if isinstance(self.sms, Unset):
            sms = UNSET
        elif isinstance(self.sms, SmsFields):
            sms = self.sms.to_dict()
        else:
            sms = self.sms

        email: dict[str, Any] | None | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        elif isinstance(self.email, EmailFields):
            email = self.email.to_dict()
        else:
            email = self.email

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if push is not UNSET:
            field_dict["push"] = push
        if sms is not UNSET:
            field_dict["sms"] = sms
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.email_fields import EmailFields
        from ..models.push_fields import PushFields
        from ..models.sms_fields import SmsFields

        d = dict(src_dict)

        def _parse_push(data: object) -> None | PushFields | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                push_type_0 = PushFields.from_dict(data)

                return push_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PushFields | Unset, data)

        push = _parse_push(d.pop("push", UNSET))

        def _parse_sms(data: object) -> None | SmsFields | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sms_type_0 = SmsFields.from_dict(data)

                return sms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SmsFields | Unset, data)

        sms = _parse_sms(d.pop("sms", UNSET))

        def _parse_email(data: object) -> EmailFields | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                email_type_0 = EmailFields.from_dict(data)

                return email_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailFields | None | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        locale_content = cls(
            push=push,
            sms=sms,
            email=email,
        )

        return locale_content
