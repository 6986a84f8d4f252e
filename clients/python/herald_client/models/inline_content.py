from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.email_content import EmailContent
    from ..models.push_content import PushContent
    from ..models.sms_content import SmsContent


T = TypeVar("T", bound="InlineContent")


@_attrs_define
class InlineContent:
    """Content per channel, instead of a template.

    Attributes:
        push (None | PushContent | Unset):
        sms (None | SmsContent | Unset):
        email (EmailContent | None | Unset):
    """

    push: None | PushContent | Unset = UNSET
    sms: None | SmsContent | Unset = UNSET
    email: EmailContent | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.email_content import EmailContent
        from ..models.push_content import PushContent
        from ..models.sms_content import SmsContent

        push: dict[str, Any] | None | Unset
        if isinstance(self.push, Unset):
            push = UNSET
        elif isinstance(self.push, PushContent):
            push = self.push.to_dict()
        else:
            push = self.push

        sms: dict[str, Any] | None | Unset
        if isinstance(self.sms, Unset):
            sms = UNSET
        elif isinstance(self.sms, SmsContent):
            sms = self.sms.to_dict()
        else:
            sms = self.sms

        email: dict[str, Any] | None | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        elif isinstance(self.email, EmailContent):
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
        from ..models.email_content import EmailContent
        from ..models.push_content import PushContent
        from ..models.sms_content import SmsContent

        d = dict(src_dict)

        def _parse_push(data: object) -> None | PushContent | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                push_type_0 = PushContent.from_dict(data)

                return push_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PushContent | Unset, data)

        push = _parse_push(d.pop("push", UNSET))

        def _parse_sms(data: object) -> None | SmsContent | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sms_type_0 = SmsContent.from_dict(data)

                return sms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SmsContent | Unset, data)

        sms = _parse_sms(d.pop("sms", UNSET))

        def _parse_email(data: object) -> EmailContent | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                email_type_0 = EmailContent.from_dict(data)

                return email_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmailContent | None | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        inline_content = cls(
            push=push,
            sms=sms,
            email=email,
        )

        return inline_content
