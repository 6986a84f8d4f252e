"""What providers tell us after a send, in our vocabulary: the neutral side of webhooks.

A provider that posts webhooks (delivery receipts, bounces, inbound SMS) says which
hooks it serves, verifies a request (signature, freshness) and reads it into a
WebhookReport of neutral Receipts and inbound messages; app.core.delivery.receipts applies them
and never names a provider's codes. One view serves every provider: app.tracking.hooks.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.channels.base import FUTURE_SKEW
from app.errors import HeraldError


@dataclass(frozen=True)
class Incoming:
    """One webhook request as the provider sent it, free of any web framework."""

    url: str  # the public URL the provider called, query string included
    headers: Mapping[str, str]
    form: Mapping[str, str]
    body: bytes
    now: datetime
    json: object = None  # the body parsed, when it came as JSON


@dataclass
class Receipt:
    """One provider report about one message, found by our id or the provider's."""

    status: str | None  # the notification status to move to (delivered, failed), or None
    kind: str  # event kind: delivered, undelivered, bounced, complained, opened, ...
    notification_id: str | None = None
    provider_message_id: str | None = None
    error_code: str | None = None
    url: str | None = None
    at: datetime | None = None
    event_id: str | None = None  # the provider's id for this report, applied once
    suppress: str | None = None  # suppress the address for this reason (hard_bounce, ...)


@dataclass(frozen=True)
class InboundSms:
    """An SMS a recipient sent us (STOP, START, ...), by the provider's message id."""

    number: str
    body: str
    message_id: str


@dataclass
class WebhookReport:
    """What a provider read from one verified request, and how to answer it.

    `reply` is (body, status, headers); None answers 200 with a JSON summary of the
    receipts applied. Receipt ids are remembered for `keep_ids_for` (None: for good).
    """

    receipts: list[Receipt] = field(default_factory=list)
    inbound: list[InboundSms] = field(default_factory=list)
    keep_ids_for: timedelta | None = None
    received: int = 0
    refused: list[dict] = field(default_factory=list)
    reply: tuple | None = None


class MalformedWebhook(HeraldError):
    status = 400
    title = "Malformed webhook"


class ForbiddenWebhook(HeraldError):
    status = 403
    title = "Forbidden"


class StaleWebhook(HeraldError):
    status = 403
    title = "Webhook timestamp outside the accepted window"


def check_fresh(timestamp: str, now: datetime, max_age: timedelta) -> None:
    """Refuse a body signed (Unix seconds) more than max_age ago, or in the future."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 20:
        raise MalformedWebhook("The signed timestamp is not a Unix time in seconds")
    age = now.timestamp() - int(timestamp)
    if age > max_age.total_seconds():
        raise StaleWebhook(f"Signed more than {int(max_age.total_seconds())} s ago")
    if -age > FUTURE_SKEW.total_seconds():
        raise StaleWebhook("Signed in the future")
