"""Sending notifications and reading the log."""

import json
import uuid
from datetime import datetime
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
    Channel,
    Cursor,
    DateTime,
    ExternalId,
    Input,
    Limit,
    Output,
    Params,
    example,
)
from app.channels.push import push_is_empty, reserved_data_key
from app.models.notifications import STATUSES

MAX_RECIPIENTS = 1000
MAX_DATA_BYTES = 64 * 1024
Status = Literal[STATUSES]
Text = Annotated[str, StringConstraints(max_length=4096)]
Url = Annotated[str, StringConstraints(max_length=2048, pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:")]


def _unreserved(key: str) -> str:
    if reserved_data_key(key):
        raise ValueError(f"{key!r} is reserved (FCM refuses it, or Herald sets it)")
    return key


def _bounded_data(value: dict) -> dict:
    if len(json.dumps(value, separators=(",", ":"))) > MAX_DATA_BYTES:
        raise ValueError(f"data takes at most {MAX_DATA_BYTES} bytes as JSON")
    return value


class PushContent(Input):
    """Push content; text fields are templates rendered with `data` and `contact`."""

    title: Text | None = None
    body: Text | None = None
    image: Url | None = None
    deep_link: Url | None = None
    data: dict[
        Annotated[str, AfterValidator(_unreserved)],
        Annotated[str, StringConstraints(max_length=4096)],
    ] | None = Field(
        None, description="Key-value strings delivered to the app. Reserved keys are refused: "
                          "`from`, `message_type`, `notification`, `collapse_key`, `herald_id` "
                          "and any key starting with `google` or `gcm`.",
    )
    badge: Annotated[int, Field(ge=0, le=99_999)] | None = None
    sound: Annotated[str, StringConstraints(max_length=64)] | None = None
    collapse_key: Annotated[str, StringConstraints(max_length=64)] | None = None
    ttl_seconds: Annotated[int, Field(ge=0, le=28 * 86400)] | None = None
    priority: Literal["high", "normal"] | None = None

    @model_validator(mode="after")
    def _not_empty(self):
        if push_is_empty(self.model_dump(include={"title", "body", "data", "badge"})):
            raise ValueError("push needs a title, a body, data or a badge")
        return self


class SmsContent(Input):
    text: Annotated[str, StringConstraints(min_length=1, max_length=1600)]


class EmailContent(Input):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=998)]
    preheader: Annotated[str, StringConstraints(max_length=255)] | None = None
    html: Annotated[str, StringConstraints(max_length=512 * 1024)] | None = None
    text: Annotated[str, StringConstraints(max_length=512 * 1024)] | None = None

    @model_validator(mode="after")
    def _has_body(self):
        if not (self.html or self.text):
            raise ValueError("email needs an html or a text body")
        return self


class InlineContent(Input):
    """Content per channel, instead of a template."""

    push: PushContent | None = None
    sms: SmsContent | None = None
    email: EmailContent | None = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not (self.push or self.sms or self.email):
            raise ValueError("give content for at least one channel")
        return self


class NotificationIn(Input):
    """Send to contacts: a published template with data, or inline content."""

    model_config = example(
        {"recipients": ["user-42"], "category": "orders", "template": "order-shipped",
         "data": {"order": "A-1001"}, "event_id": "order-A-1001-shipped"},
        {"recipients": ["user-42"], "category": "orders", "channels": ["sms"],
         "content": {"sms": {"text": "Your code is {{ data.code }}"}}, "data": {"code": "4821"}})

    recipients: Annotated[
        list[ExternalId], Field(min_length=1, max_length=MAX_RECIPIENTS)
    ] = Field(description="Contact external ids (1 to 1,000).", examples=[["user-42"]])
    channels: Annotated[list[Channel], Field(min_length=1, max_length=3)] | None = Field(
        None, description="Default: every channel each contact can receive."
    )
    category: CategoryKey
    template: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    data: Annotated[dict[str, Any], AfterValidator(_bounded_data)] = Field(
        default_factory=dict, examples=[{"order": "A-1001"}]
    )
    content: Annotated[InlineContent | None, Field(validate_default=True)] = None
    send_at: DateTime | None = Field(
        None, description="RFC 3339 time with an offset, from 5 minutes ago to 365 days "
                          "ahead (HERALD_MAX_SCHEDULE_DAYS); default now."
    )
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = Field(
        None, description="Your id for the event; a repeat within 24 h sends nothing, "
                          "whatever the Idempotency-Key header says."
    )

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels):
        if channels is not None and len(set(channels)) != len(channels):
            raise ValueError("each channel may appear only once")
        return channels

    @field_validator("content")
    @classmethod
    def _template_xor_content(cls, content, info: ValidationInfo):
        template = info.data.get("template")
        if template is not None and content is not None:
            raise ValueError("give either template or content, not both")
        if template is None and content is None and "template" in info.data:
            raise ValueError("give a template or inline content")
        for channel in (info.data.get("channels") or []) if content else []:
            if getattr(content, channel) is None:
                raise ValueError(f"no {channel} content, but channels includes {channel}")
        return content


NOTIFICATION_ID = "01939b1e-5f6a-7c3d-9e2f-0a1b2c3d4e5f"
SUMMARY_EXAMPLE = {
    "id": NOTIFICATION_ID, "source": "api", "contact": "user-42", "channel": "push",
    "category": "orders", "status": "delivered", "reason": None, "attempts": 1,
    "provider": "fcm", "provider_message_id": "projects/herald/messages/0:1700000000",
    "error_code": None, "error_message": None, "event_id": "order-A-1001-shipped",
    "send_at": None, "created_at": "2027-01-10T16:00:00Z", "updated_at": "2027-01-10T16:00:02Z",
    "queued_at": "2027-01-10T16:00:00Z", "sent_at": "2027-01-10T16:00:01Z",
    "delivered_at": "2027-01-10T16:00:02Z", "failed_at": None}


class AcceptedNotification(Output):
    id: uuid.UUID
    contact: str | None
    channel: str
    status: Status
    reason: str | None
    send_at: datetime | None


class NotificationsAccepted(Output):
    model_config = example({"notifications": [
        {"id": NOTIFICATION_ID, "contact": "user-42", "channel": "push", "status": "queued",
         "reason": None, "send_at": None},
        {"id": "01939b1e-5f6a-7c3d-9e2f-0a1b2c3d4e60", "contact": "user-42",
         "channel": "email", "status": "suppressed", "reason": "opted_out", "send_at": None}]})

    notifications: list[AcceptedNotification]


class StatusChange(Output):
    status: str
    attempt: int
    provider: str | None
    error_code: str | None
    detail: str | None
    at: datetime


class NotificationSummary(Output):
    model_config = example(SUMMARY_EXAMPLE)

    id: uuid.UUID
    source: str
    contact: str | None = Field(description="External id; null once the contact is erased.")
    channel: str
    category: str
    status: Status
    reason: str | None
    attempts: int
    provider: str | None
    provider_message_id: str | None
    error_code: str | None
    error_message: str | None
    event_id: str | None
    send_at: datetime | None
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None


class NotificationOut(NotificationSummary):
    model_config = example({
        **SUMMARY_EXAMPLE, "content": {"title": "Order A-1001 shipped", "body": "On its way"},
        "history": [{"status": s, "attempt": a, "provider": p, "error_code": None,
                     "detail": None, "at": t} for s, a, p, t in (
            ("queued", 0, None, "2027-01-10T16:00:00Z"),
            ("sending", 1, "fcm", "2027-01-10T16:00:01Z"),
            ("sent", 1, "fcm", "2027-01-10T16:00:01Z"),
            ("delivered", 1, "fcm", "2027-01-10T16:00:02Z"))]})

    content: dict[str, Any] | None = Field(description="The rendered content as sent.")
    history: list[StatusChange]


class NotificationPage(Output):
    model_config = example({"data": [SUMMARY_EXAMPLE], "next_cursor": None})

    data: list[NotificationSummary]
    next_cursor: str | None


class NotificationPath(Params):
    notification_id: Annotated[uuid.UUID, Field(examples=[NOTIFICATION_ID])]


class NotificationQuery(Params):
    limit: Limit = 50
    cursor: Cursor = None
    contact: ExternalId | None = None
    status: list[Status] | None = None
    channel: list[Channel] | None = None
    category: CategoryKey | None = None
    event_id: Annotated[str, StringConstraints(max_length=255)] | None = None
    created_after: DateTime | None = None
    created_before: DateTime | None = None
