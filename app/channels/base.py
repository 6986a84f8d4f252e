"""The one small interface every provider implements, and its error tree.

A provider maps a channel-neutral Message to its wire payload, sends a batch through
its SDK, and classifies each outcome. Retries, pacing, failover and bookkeeping live
above it, in app.core.delivery.deliver, once.
"""
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime

# How far ahead of our clock a provider's signed timestamp may be (clock skew between the
# two sides); webhook checks in app.core.delivery.webhooks use it too.
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
    """The token/number/address is dead: deactivate the device or suppress the address."""


@dataclass
class SendResult:
    message_id: str  # Message.id
    provider_message_id: str | None = None
    error: ProviderError | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


class Provider:
    """Base class: subclasses set name/channel and implement send_batch."""

    name: str = ""
    channel: str = ""
    max_batch: int = 500

    def __init__(self, config):
        self.config = config

    def send_batch(self, messages: list[Message]) -> list[SendResult]:
        """Send every message; return one SendResult per message, in order.

        Per-message failures are SendResults carrying a ProviderError, never raised.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release connections; called when the worker stops."""


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
