"""Contacts, devices and preferences."""

from datetime import datetime
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.api.schemas.common import (
    CategoryKey,
    Cursor,
    ExternalId,
    Input,
    Limit,
    Output,
    Params,
    example,
)
from app.core.contacts.devices import check_subscription, normalise_token
from app.core.contacts.fields import (
    MAX_LENGTH,
    MAX_TAGS,
    TAG_PATTERN,
    check_attributes,
    check_field,
    check_tag,
    check_tags,
)


def _field(name: str, **documented):
    """The contact field `name` under its core rule (one set of rules, one set of messages);
    the limits are repeated in the schema only to document them."""
    return (AfterValidator(partial(check_field, name)),
            Field(json_schema_extra={"maxLength": MAX_LENGTH[name]}, **documented))


Email = Annotated[str, *_field("email", examples=["ada@example.com"])]
Phone = Annotated[str, *_field("phone", description="International number; stored in E.164.",
                               examples=["+14155550100"])]
Locale = Annotated[str, *_field("locale", description="BCP 47 language tag.",
                                examples=["en-GB"])]
Timezone = Annotated[str, *_field("timezone", description="IANA timezone name.",
                                  examples=["Europe/Paris"])]
Tag = Annotated[str, AfterValidator(check_tag), Field(json_schema_extra={"pattern": TAG_PATTERN})]
Attributes = Annotated[
    dict[str, Any],
    AfterValidator(check_attributes),
    Field(description="Free-form JSON object for templates and segments (at most 16 KB).",
          examples=[{"first_name": "Ada", "plan": "pro"}]),
]
Tags = Annotated[list[Tag], AfterValidator(check_tags),
                 Field(json_schema_extra={"maxItems": MAX_TAGS})]


CONTACT_IN_EXAMPLE = {"email": "ada@example.com", "phone": "+14155550100", "locale": "en-GB",
                      "timezone": "Europe/London", "attributes": {"first_name": "Ada",
                                                                   "plan": "pro"},
                      "tags": ["beta"]}
DEVICE_EXAMPLE = {"id": 7, "platform": "android", "provider": "fcm",
                  "token": "cX3cK9d2RmS:APA91bHZ4e0b7kq1Vf3xk2Zr8nT5wQ", "active": True,
                  "deactivated_reason": None, "created_at": "2027-01-10T16:00:00Z",
                  "last_seen_at": "2027-01-10T16:00:00Z", "deactivated_at": None}
SUMMARY_EXAMPLE = {"external_id": "user-42", **CONTACT_IN_EXAMPLE,
                   "created_at": "2027-01-10T16:00:00Z", "updated_at": "2027-01-10T16:00:00Z",
                   "last_seen_at": None}
PREFERENCES_EXAMPLE = {"orders": {"push": True, "sms": True, "email": True},
                       "marketing": {"push": False, "sms": True, "email": True}}


class ContactIn(Input):
    """A contact's full state: fields left out are cleared."""

    model_config = example(CONTACT_IN_EXAMPLE)

    email: Email | None = None
    phone: Phone | None = None
    locale: Locale | None = None
    timezone: Timezone | None = None
    attributes: Attributes = Field(default_factory=dict)
    tags: Tags = Field(default_factory=list)


class ContactPatch(Input):
    """Changes to some fields; in `attributes`, a null value removes that attribute;
    `attributes` or `tags` null clear them all."""

    model_config = example({"locale": "fr-FR", "attributes": {"plan": "team", "trial": None}})

    email: Email | None = None
    phone: Phone | None = None
    locale: Locale | None = None
    timezone: Timezone | None = None
    attributes: Attributes | None = None
    tags: Tags | None = None


class ContactBatchItem(ContactIn):
    external_id: ExternalId


class ContactBatchIn(Input):
    model_config = example({"contacts": [{"external_id": "user-42", "email": "ada@example.com"},
                                         {"external_id": "user-43", "phone": "+14155550101"}]})

    contacts: Annotated[list[ContactBatchItem], Field(min_length=1, max_length=1000)]

    @field_validator("contacts")
    @classmethod
    def _distinct(cls, contacts):
        ids = [c.external_id for c in contacts]
        if len(set(ids)) != len(ids):
            raise ValueError("each external_id may appear only once")
        return contacts


class ContactBatchOut(Output):
    model_config = example({"created": ["user-43"], "updated": ["user-42"]})

    created: list[str]
    updated: list[str]


class WebPushKeys(Input):
    p256dh: Annotated[str, StringConstraints(max_length=128)] = Field(
        description="The browser's P-256 public key: 65 bytes, base64url.")
    auth: Annotated[str, StringConstraints(max_length=64)] = Field(
        description="The browser's auth secret: 16 bytes, base64url.")


class WebPushSubscription(Input):
    """A browser's PushSubscription.toJSON()."""

    endpoint: Annotated[str, StringConstraints(max_length=2048)] = Field(
        description="The push service URL the browser was given (https).",
        examples=["https://fcm.googleapis.com/fcm/send/dXJ...:APA91b..."])
    keys: WebPushKeys
    expirationTime: int | None = None  # noqa: N815  (the browser's name)

    @model_validator(mode="after")
    def _usable(self):
        check_subscription(self.endpoint, self.keys.p256dh, self.keys.auth)
        return self


class VapidKeyOut(Output):
    model_config = example({"public_key": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJj"
                                          "SgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"})

    public_key: str = Field(
        description="Base64url P-256 public key: the browser's `applicationServerKey`.",
        examples=["BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"],
    )


class DeviceIn(Input):
    """A device: `token` for ios (APNs, 64 hex) and android (an FCM token, or a JPush
    registration id with `provider` "jpush"); `subscription` for web."""

    model_config = example({"platform": "android",
                            "token": "cX3cK9d2RmS:APA91bHZ4e0b7kq1Vf3xk2Zr8nT5wQ"})

    platform: Literal["ios", "android", "web"]
    provider: Annotated[Literal["fcm", "jpush"] | None, Field(
        description="android only: `jpush` for devices without Google services "
                    "(the token is then a JPush registration id); FCM by default.")] = None
    token: Annotated[str | None, Field(max_length=2048, validate_default=True)] = None
    subscription: Annotated[WebPushSubscription | None, Field(validate_default=True)] = None

    @field_validator("token")
    @classmethod
    def _token_fits_platform(cls, token, info: ValidationInfo):
        platform = info.data.get("platform")
        if platform == "web":
            if token is not None:
                raise ValueError("web devices send `subscription`, not `token`")
            return None
        if platform and token is None:
            raise ValueError(f"required for {platform} devices")
        provider = info.data.get("provider")
        return normalise_token(platform, token, provider) if platform else token

    @field_validator("provider")
    @classmethod
    def _provider_fits_platform(cls, provider, info: ValidationInfo):
        if provider is not None and info.data.get("platform") != "android":
            raise ValueError("only android devices choose their push provider")
        return provider

    @field_validator("subscription")
    @classmethod
    def _subscription_fits_platform(cls, subscription, info: ValidationInfo):
        platform = info.data.get("platform")
        if platform == "web" and subscription is None:
            raise ValueError("required for web devices")
        if platform in ("ios", "android") and subscription is not None:
            raise ValueError(f"{platform} devices send `token`, not `subscription`")
        return subscription


class DeviceOut(Output):
    model_config = example(DEVICE_EXAMPLE)

    id: int
    platform: str
    provider: str
    token: str = Field(description="APNs/FCM token, or the web-push endpoint.")
    active: bool
    deactivated_reason: str | None
    created_at: datetime
    last_seen_at: datetime
    deactivated_at: datetime | None


ChannelChoices = dict[str, bool]


class ChannelChoicesIn(Input):
    """Opt in (true) or out (false) per channel; a channel left out is unchanged."""

    push: bool | None = None
    sms: bool | None = None
    email: bool | None = None


class PreferencesIn(Input):
    model_config = example({"categories": {"marketing": {"push": False, "email": True}}})

    categories: Annotated[dict[CategoryKey, ChannelChoicesIn], Field(min_length=1)] = Field(
        examples=[{"marketing": {"push": False, "email": True}}]
    )


class PreferencesOut(Output):
    model_config = example({"categories": PREFERENCES_EXAMPLE})

    categories: dict[str, ChannelChoices] = Field(
        description="Every category and channel; the category's default where unset.",
        examples=[{"marketing": {"push": False, "sms": True, "email": True}}],
    )


class ContactSummary(Output):
    model_config = example(SUMMARY_EXAMPLE)

    external_id: str
    email: str | None
    phone: str | None
    locale: str | None
    timezone: str | None
    attributes: dict[str, Any]
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    last_seen_at: datetime | None


class ContactOut(ContactSummary):
    model_config = example({**SUMMARY_EXAMPLE, "devices": [DEVICE_EXAMPLE],
                            "preferences": PREFERENCES_EXAMPLE})

    devices: list[DeviceOut]
    preferences: dict[str, ChannelChoices]


class ContactPage(Output):
    model_config = example({"data": [SUMMARY_EXAMPLE], "next_cursor": None})

    data: list[ContactSummary]
    next_cursor: str | None


class ContactPath(Params):
    external_id: ExternalId


class DevicePath(ContactPath):
    device: Annotated[str, Field(max_length=2048, examples=["7"],
                                 description="The device id, or its token (web: endpoint).")]


class ContactQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
    email: Email | None = None
    phone: Phone | None = None
    tag: Tag | None = None
