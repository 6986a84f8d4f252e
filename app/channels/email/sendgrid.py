"""SendGrid v3 Mail Send through the official SDK.

Cost model: SendGrid bills per recipient, not per request, but the SDK opens a new
connection (and TLS handshake) for every request. So messages whose body is identical
(same from, reply-to, category, text and HTML: a campaign without per-contact content)
go in one request of up to 1,000 personalizations, each carrying its own recipient,
subject, headers (List-Unsubscribe differs per contact) and `custom_args.herald_id`.
Anything else is one request per message; requests run on a small thread pool.

One bad address fails a whole request with a 400 naming `personalizations.N...`: that
message fails, and the rest of the request is sent once more without it.

The Event Webhook posts a JSON array signed with ECDSA over timestamp + raw body. Each
event is validated on its own: one malformed event is refused, the others are applied.
"""
import base64
import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email.utils import parseaddr
from typing import Annotated, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator
from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.eventwebhook import EventWebhook

from app.channels.base import (
    FUTURE_SKEW,
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    RateLimited,
    SendResult,
    TransientError,
)
from app.channels.email.content import EmailParts, email_parts

MAX_PERSONALIZATIONS = 1000
TIMEOUT_SECONDS = 15
FIELD = re.compile(r"^personalizations\.(\d+)(?:\.(to|cc|bcc)\b)?")

Item = tuple[Message, EmailParts]


def _address(value: str) -> dict:
    name, email = parseaddr(value)
    return {"email": email, "name": name} if name else {"email": email}


def _shared(message: Message, parts: EmailParts) -> tuple:
    """What must be equal for two messages to share one request."""
    return (parts.from_email, parts.reply_to, parts.text, parts.html, message.category)


def build_payload(items: list[Item]) -> dict:
    """The mail/send body for messages sharing one body, one personalization each."""
    first_message, first = items[0]
    personalizations = []
    for message, parts in items:
        personalization = {"to": [_address(parts.to)],
                           "custom_args": {"herald_id": message.id}}
        if parts.subject:
            personalization["subject"] = parts.subject
        if parts.headers:
            personalization["headers"] = parts.headers
        personalizations.append(personalization)
    content = [{"type": "text/plain", "value": first.text}] if first.text else []
    if first.html:
        content.append({"type": "text/html", "value": first.html})
    body = {"personalizations": personalizations, "from": _address(first.from_email),
            "content": content}
    if first.reply_to:
        body["reply_to"] = _address(first.reply_to)
    if first_message.category:
        body["categories"] = [first_message.category]
    return body


def _error_list(exc: HTTPError) -> list[dict]:
    try:
        return json.loads(exc.body or b"{}").get("errors") or []
    except (ValueError, AttributeError):
        return []


def http_error(exc: HTTPError) -> ProviderError:
    """Map a non-2xx answer for a whole request to our error tree."""
    status = exc.status_code
    body = exc.body.decode(errors="replace") if isinstance(exc.body, bytes) else str(exc.body)
    messages = "; ".join(e.get("message", "") for e in _error_list(exc)) or exc.reason
    kw = {"code": str(status), "response": body[:2000]}
    text = f"SendGrid {status}: {messages}"
    if status == 429:
        reset = (exc.headers or {}).get("X-RateLimit-Reset")
        retry_after = max(float(reset) - time.time(), 0.0) if reset else None
        return RateLimited(text, retry_after=retry_after, **kw)
    if status >= 500:
        return TransientError(text, **kw)
    return PermanentError(text, **kw)


class SendGridProvider(Provider):
    name = "sendgrid"
    channel = "email"
    max_batch = 1000
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.client = SendGridAPIClient(config.SENDGRID_API_KEY, host=config.SENDGRID_URL)
        self.client.client.timeout = TIMEOUT_SECONDS  # urllib waits forever otherwise

    def send_batch(self, messages: list[Message]) -> list[SendResult]:
        """Group identical bodies into shared requests, send them concurrently."""
        results: dict[str, SendResult] = {}
        groups: dict[tuple, list[Item]] = {}
        for message in messages:
            try:
                parts = email_parts(message, self.config.EMAIL_FROM)
            except PermanentError as exc:
                results[message.id] = SendResult(message.id, error=exc)
                continue
            groups.setdefault(_shared(message, parts), []).append((message, parts))
        chunks = [
            group[start : start + MAX_PERSONALIZATIONS]
            for group in groups.values()
            for start in range(0, len(group), MAX_PERSONALIZATIONS)
        ]
        if chunks:
            workers = min(self.concurrency, len(chunks))
            with ThreadPoolExecutor(workers, thread_name_prefix="sendgrid") as pool:
                for done in pool.map(self._send_request, chunks):
                    results.update((r.message_id, r) for r in done)
        return [results[m.id] for m in messages]

    def _send_request(self, items: list[Item], resend: bool = True) -> list[SendResult]:
        try:
            response = self.client.send(build_payload(items))
        except HTTPError as exc:
            if exc.status_code == 400:
                return self._rejected(items, exc, resend)
            error = http_error(exc)
            return [SendResult(m.id, error=error) for m, _ in items]
        except (OSError, http.client.HTTPException) as exc:
            error = TransientError(f"SendGrid unreachable: {exc}", code="connection_error")
            return [SendResult(m.id, error=error) for m, _ in items]
        message_id = response.headers.get("X-Message-Id")
        return [SendResult(m.id, provider_message_id=message_id) for m, _ in items]

    def _rejected(self, items: list[Item], exc: HTTPError, resend: bool) -> list[SendResult]:
        """Fail the personalizations a 400 names; send the others again, once."""
        named: dict[int, ProviderError] = {}
        whole = http_error(exc)
        for problem in _error_list(exc):
            match = FIELD.match(problem.get("field") or "")
            if match is None or int(match[1]) >= len(items):
                return [SendResult(m.id, error=whole) for m, _ in items]
            kind = InvalidRecipient if match[2] else PermanentError
            named[int(match[1])] = kind(f"SendGrid 400: {problem.get('message')}",
                                        code="400", response=whole.response)
        if not named:
            return [SendResult(m.id, error=whole) for m, _ in items]
        results = [SendResult(items[i][0].id, error=e) for i, e in named.items()]
        rest = [item for i, item in enumerate(items) if i not in named]
        if rest and resend:
            return results + self._send_request(rest, resend=False)
        return results + [SendResult(m.id, error=whole) for m, _ in rest]


# Event Webhook ---------------------------------------------------------------------

EVENTS = ("processed", "deferred", "delivered", "bounce", "dropped", "open", "click",
          "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe")
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
