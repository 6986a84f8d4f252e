"""SendGrid v3 Mail Send through the official SDK.

Cost model: SendGrid bills per recipient, not per request, but the SDK opens a new
connection (and TLS handshake) for every request. So messages whose body is identical
(same from, reply-to, category, text and HTML: a campaign without per-contact content)
go in one request of up to 1,000 personalizations, each carrying its own recipient,
subject, headers (List-Unsubscribe differs per contact), `custom_args.herald_id` and
`substitutions` (the values of the message's tags: its tracking tokens, so tracked links
and the open pixel do not make every body different). Anything else is one request per
message; the provider pool runs up to `concurrency` requests at once.

One bad address fails a whole request with a 400 naming `personalizations.N...`: that
message fails, and the rest of the request is sent once more without it.

The Event Webhook (/hooks/sendgrid) posts a JSON array signed with ECDSA over timestamp
+ raw body, refused outside a freshness window. Each event is validated on its own: one
malformed event is refused, the others are applied.
"""
import http.client
import json
import logging
import re
import time
from dataclasses import replace
from datetime import timedelta
from email.utils import parseaddr

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient

from app.channels.base import (
    FUTURE_SKEW,
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    Run,
    SendResult,
    TransientError,
    classify_http,
    run_in_turn,
)
from app.channels.email.content import EmailParts, email_parts
from app.channels.email.sendgrid_events import event_receipt, parse_events, signature_valid
from app.channels.webhooks import (
    ForbiddenWebhook,
    Incoming,
    MalformedWebhook,
    WebhookReport,
    check_fresh,
)

log = logging.getLogger(__name__)

MAX_PERSONALIZATIONS = 1000
MAX_SUBSTITUTION_BYTES = 10_000  # per personalization; a message over it goes expanded
TIMEOUT_SECONDS = 15
FIELD = re.compile(r"^personalizations\.(\d+)(?:\.(to|cc|bcc)\b)?")

Item = tuple[Message, EmailParts]


def _address(value: str) -> dict:
    if "<" not in value and '"' not in value and "(" not in value:
        return {"email": value.strip()}  # a bare address (the usual recipient): no parsing
    name, email = parseaddr(value)
    return {"email": email, "name": name} if name else {"email": email}


def _shared(message: Message, parts: EmailParts) -> tuple:
    """What must be equal for two messages to share one request."""
    return (parts.from_email, parts.reply_to, parts.text, parts.html, message.category)


def _substituted(message: Message) -> bool:
    """Whether the message's tags go as substitutions (else its body is expanded)."""
    if not message.substitutions:
        return False
    size = sum(len(k.encode()) + len(v.encode()) for k, v in message.substitutions.items())
    return 0 < size <= MAX_SUBSTITUTION_BYTES


def build_payload(items: list[Item]) -> dict:
    """The mail/send body for messages sharing one body, one personalization each (with
    the message's substitutions, if it has any left). The recipient is the message's own:
    messages of one content share one EmailParts (see SendGridProvider._parts)."""
    first_message, first = items[0]
    personalizations = []
    for message, parts in items:
        personalization = {"to": [_address(message.to)],
                           "custom_args": {"herald_id": message.id}}
        if parts.subject:
            personalization["subject"] = parts.subject
        if parts.headers:
            personalization["headers"] = parts.headers
        if message.substitutions:
            personalization["substitutions"] = dict(message.substitutions)
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
    reset = (exc.headers or {}).get("X-RateLimit-Reset")  # SendGrid's Retry-After
    retry_after = max(float(reset) - time.time(), 0.0) if reset else None
    return classify_http(status, exc.headers, body, message=f"SendGrid {status}: {messages}",
                         retry_after=retry_after)


class SendGridProvider(Provider):
    name = "sendgrid"
    channel = "email"
    max_batch = 1000
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.client = SendGridAPIClient(config.SENDGRID_API_KEY, host=config.SENDGRID_URL)
        self.client.client.timeout = TIMEOUT_SECONDS  # urllib waits forever otherwise

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Group identical bodies into shared requests, send them concurrently."""
        results: dict[str, SendResult] = {}
        groups: dict[tuple, list[Item]] = {}
        made: dict[int, EmailParts] = {}
        for message in messages:
            substituted = _substituted(message)
            try:
                parts = self._parts(message, substituted, made)
            except PermanentError as exc:
                results[message.id] = SendResult(message.id, error=exc)
                continue
            if message.substitutions and not substituted:  # its tags are in its bodies
                message = replace(message, substitutions={})
            groups.setdefault(_shared(message, parts), []).append((message, parts))
        chunks = [
            group[start : start + MAX_PERSONALIZATIONS]
            for group in groups.values()
            for start in range(0, len(group), MAX_PERSONALIZATIONS)
        ]
        for done in run(self._send_request, chunks):
            results.update((r.message_id, r) for r in done)
        return [results[m.id] for m in messages]

    def _parts(self, message: Message, substituted: bool, made: dict) -> EmailParts:
        """The message's parts; made once per content object when its body is not expanded
        for it (a batch's messages mostly share one content), so `to` is the first
        message's: the payload takes each recipient from its message."""
        if message.substitutions and not substituted:  # its tags go into its own bodies
            return email_parts(message, self.config.EMAIL_FROM)
        if id(message.content) not in made:
            made[id(message.content)] = email_parts(message, self.config.EMAIL_FROM,
                                                    expand=False)
        return made[id(message.content)]

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

    webhooks = ("",)

    @classmethod
    def verify_webhook(cls, config, incoming: Incoming, hook: str) -> None:
        """Check the signature over timestamp + raw body, then the timestamp's age."""
        if not config.SENDGRID_WEBHOOK_PUBLIC_KEY:
            raise ForbiddenWebhook("SendGrid webhook verification key is not configured")
        timestamp = incoming.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", "")
        signature = incoming.headers.get("X-Twilio-Email-Event-Webhook-Signature", "")
        if not signature_valid(config.SENDGRID_WEBHOOK_PUBLIC_KEY, incoming.body, signature,
                               timestamp):
            raise ForbiddenWebhook("The event webhook signature does not match the body")
        check_fresh(timestamp, incoming.now, timedelta(seconds=config.WEBHOOK_MAX_AGE_SECONDS))

    @classmethod
    def parse_webhook(cls, config, incoming: Incoming, hook: str) -> WebhookReport:
        """Read each event on its own: bad ones are refused, not the whole body.

        The answer is 200 whenever the signature and timestamp are good, so SendGrid does
        not retry a body forever for one bad event.
        """
        body = incoming.json
        if not isinstance(body, list):
            raise MalformedWebhook("The body is not a JSON array of events")
        events, refused = parse_events(body, incoming.now)
        if refused:
            log.warning("refused %d of %d SendGrid events: %s", len(refused), len(body),
                        refused)
        # An id needs remembering only while a replay of its body could pass check_fresh.
        keep = timedelta(seconds=config.WEBHOOK_MAX_AGE_SECONDS) + FUTURE_SKEW
        return WebhookReport(receipts=[r for r in map(event_receipt, events) if r],
                             keep_ids_for=keep, received=len(body), refused=refused)


# Event Webhook ---------------------------------------------------------------------
