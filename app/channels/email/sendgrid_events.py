"""SendGrid's signed Event Webhook: the signature, each event checked on its own, and
the neutral receipt each one makes."""
import base64
from datetime import UTC, datetime
from typing import Annotated, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator
from sendgrid.helpers.eventwebhook import EventWebhook

from app.channels.base import (
    FUTURE_SKEW,
)
from app.channels.webhooks import (
    Receipt,
)
from app.models.notifications import Status

DELIVERED, FAILED = Status.DELIVERED, Status.FAILED

EVENTS = ("processed", "deferred", "delivered", "bounce", "dropped", "open", "click",
          "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe")
# The events that change something: our status (or None), event kind, suppression reason.
EVENT_RECEIPTS = {"delivered": (DELIVERED, "delivered", None),
                  "bounce": (FAILED, "bounced", "hard_bounce"),
                  "dropped": (FAILED, "bounced", "hard_bounce"),
                  "spamreport": (None, "complained", "complaint"),
                  "open": (None, "opened", None), "click": (None, "clicked", None),
                  "unsubscribe": (None, "unsubscribed", None),
                  "group_unsubscribe": (None, "unsubscribed", None)}
EARLIEST_EVENT = 946684800  # 2000-01-01: SendGrid reports nothing older
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Code = Annotated[str, StringConstraints(max_length=64)]
Long = Annotated[str, StringConstraints(max_length=2048)]


class WebhookEvent(BaseModel):
    """One Event Webhook event: the fields Herald reads, strictly typed; others ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    event: Literal[EVENTS]
    sg_event_id: Id  # opaque, compared as given
    email: Annotated[str, StringConstraints(max_length=320)]
    timestamp: int
    sg_message_id: Id | None = None
    # Our custom_args come back at the top level: the notification id, exactly as we
    # sent it (str(uuid), lower case); any other spelling is not ours.
    herald_id: Annotated[str, StringConstraints(pattern=UUID)] | None = None
    status: Code | None = None
    type: Code | None = None
    reason: Long | None = None
    url: Long | None = None

    @field_validator("timestamp")
    @classmethod
    def _plausible(cls, value: int, info) -> int:
        latest = (info.context["now"] + FUTURE_SKEW).timestamp()
        if not EARLIEST_EVENT <= value <= latest:
            raise ValueError("not a plausible Unix time for an event")
        return value


def signature_valid(public_key: str, body: bytes, signature: str, timestamp: str) -> bool:
    """Check the ECDSA P-256/SHA-256 signature over timestamp + the raw body bytes."""
    key = EventWebhook().convert_public_key_to_ecdsa(public_key)
    try:
        key.verify(base64.b64decode(signature, validate=True), timestamp.encode() + body,
                   ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):  # ValueError: not base64, not ASCII
        return False
    return True


def parse_events(body: list, now: datetime) -> tuple[list[WebhookEvent], list[dict]]:
    """Validate each event on its own; return the valid ones and why the others are not."""
    events, refused = [], []
    for index, raw in enumerate(body):
        try:
            events.append(WebhookEvent.model_validate(raw, context={"now": now}))
        except ValidationError as exc:
            fields = sorted({".".join(map(str, e["loc"])) or "event"
                             for e in exc.errors(include_url=False, include_input=False)})
            refused.append({"index": index, "fields": fields})
    return events, refused


def event_receipt(event: WebhookEvent) -> Receipt | None:
    """Read one validated event; None for events that change nothing."""
    mapped = EVENT_RECEIPTS.get(event.event)
    if mapped is None:
        return None
    status, kind, suppress = mapped
    return Receipt(status, kind, notification_id=event.herald_id,
                   provider_message_id=(event.sg_message_id or "").split(".")[0] or None,
                   error_code=event.status or event.type, url=event.url,
                   at=datetime.fromtimestamp(event.timestamp, UTC), event_id=event.sg_event_id,
                   suppress=suppress)
