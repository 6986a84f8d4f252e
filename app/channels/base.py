"""The one small interface every provider implements, and its error tree.

A provider maps a channel-neutral Message to its wire payload, sends it through its
SDK, and classifies each outcome (HTTP answers through `classify_http`, once). How many
sends are in flight is the pool's business (app.channels.pool), retries, pacing, failover
and bookkeeping live above it, in app.core.delivery, once. What a provider reports later
(webhooks) it reads itself, into neutral receipts: app.channels.webhooks.
"""
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime

# How far ahead of our clock a provider's signed timestamp may be (clock skew between the
# two sides); the webhook freshness check in app.channels.webhooks uses it.
FUTURE_SKEW = timedelta(seconds=120)


@dataclass(frozen=True)
class Message:
    """What to send to one address; `content` is already rendered.

    push content:  title, body, image, deep_link, data (str→str), badge, sound,
                   collapse_key, ttl_seconds, priority ("high"|"normal")
    sms content:   text
    email content: subject, preheader, html, text, from_email, reply_to, headers
                   (extra headers, e.g. List-Unsubscribe)
    """

    id: str  # the notification id; providers pass it on for correlation
    channel: str  # push | sms | email
    to: str  # push token / web-push endpoint, E.164 number, email address
    content: dict
    platform: str | None = None  # push only: ios | android | web
    subscription: dict | None = None  # web push only: {"endpoint", "keys": {...}}
    category: str = ""
    # This recipient's values of tags the content holds in their place (email tracking
    # tokens): the content is then the same for every recipient of a batch, and a provider
    # may send it once with each recipient's values (SendGrid substitutions).
    substitutions: Mapping[str, str] = field(default_factory=dict)

    def expanded(self) -> dict:
        """The content exactly as this recipient gets it: each tag replaced by its value."""
        if not self.substitutions:
            return self.content
        content = dict(self.content)
        for key in ("subject", "html", "text"):
            if isinstance(content.get(key), str):
                for tag, value in self.substitutions.items():
                    content[key] = content[key].replace(tag, value)
        return content


class ProviderError(Exception):
    """A send that did not succeed; `code` is the provider's own error code."""

    def __init__(self, message: str, code: str | None = None, response: str | None = None):
        super().__init__(message)
        self.code = code
        self.response = response  # the raw provider response, for the status log


class TransientError(ProviderError):
    """Worth retrying later (timeouts, 5xx, provider overloaded)."""


class RateLimited(TransientError):
    """The provider asked us to slow down; retry no sooner than retry_after seconds."""

    def __init__(self, message: str, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class PermanentError(ProviderError):
    """Retrying will not help (bad request, payload too large, auth misconfigured)."""


class InvalidRecipient(PermanentError):
    """The token/number/address is dead: deactivate the device or suppress the address.

    `reason` is the suppression reason to record: "invalid_recipient", or "stop" when the
    recipient asked for no more messages.
    """

    def __init__(self, message: str, reason: str = "invalid_recipient", **kw):
        super().__init__(message, **kw)
        self.reason = reason


def classify_http(status: int, headers: Mapping | None = None, body: str | bytes = "", *,
                  code: str | None = None, message: str = "",
                  retry_after: float | None = None) -> ProviderError:
    """Map an HTTP error answer: 429 rate limited (Retry-After), 408/5xx transient, else
    permanent. Recipient-specific answers (dead tokens, bad numbers) the provider decides
    before calling this."""
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    kw = {"code": code or str(status), "response": (body or "")[:2000] or None}
    message = message or f"HTTP {status}"
    if status == 429:
        if retry_after is None:
            retry_after = retry_after_seconds((headers or {}).get("Retry-After"))
        return RateLimited(message, retry_after=retry_after, **kw)
    if status == 408 or status >= 500:
        return TransientError(message, **kw)
    return PermanentError(message, **kw)


@dataclass
class SendResult:
    message_id: str  # Message.id
    provider_message_id: str | None = None
    error: ProviderError | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


Run = Callable[[Callable, Iterable], list]  # map fn over items, at most `concurrency` at once


def run_in_turn(fn: Callable, items: Iterable) -> list:
    """The Run of a provider used on its own, outside a pool: one send after another."""
    return [fn(item) for item in items]


class Provider:
    """Base class: subclasses set name/channel and implement send_one (or send_batch,
    where the service has a real batch API)."""

    name: str = ""
    channel: str = ""
    max_batch: int = 500
    concurrency: int = 1  # sends (requests) in flight at once, per worker process

    def __init__(self, config):
        self.config = config

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Send every message; return one SendResult per message, in order.

        `run` is the pool's bounded map. Per-message failures are SendResults carrying a
        ProviderError, never raised.
        """
        return run(self.send_one, messages)

    def send_one(self, message: Message) -> SendResult:
        """Send one message and classify the answer."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections; called when the worker stops."""

    def rate_key(self) -> str:
        """What the provider's send rate limit counts against (app.channels.pacing): the
        account, unless the service limits something narrower (a sender, a project)."""
        return self.name

    # Webhooks: a provider that posts them names its hooks ("" is /hooks/<name>, "inbound"
    # is /hooks/<name>/inbound) and reads them itself (see app.channels.webhooks).
    webhooks: tuple[str, ...] = ()

    @classmethod
    def verify_webhook(cls, config, incoming, hook: str) -> None:
        """Refuse a request the provider did not send (ForbiddenWebhook) or that is stale."""
        raise NotImplementedError

    @classmethod
    def parse_webhook(cls, config, incoming, hook: str):
        """Read a verified request into a WebhookReport of neutral receipts."""
        raise NotImplementedError

    @classmethod
    def sms_reply(cls, text: str) -> tuple | None:
        """The answer to an inbound-SMS webhook that texts `text` back to its sender, as
        (body, status, headers); None where the provider cannot answer that way."""
        return None


def retry_after_seconds(value: str | None, default: float | None = None) -> float | None:
    """Read a Retry-After header (delta-seconds or an HTTP date) as seconds from now."""
    if not value:
        return default
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return default
