"""Shared by the per-provider test modules: a fault injected at the live simulator lands
in the right class of the error tree; settings as the real services hand them out.

The fault is injected through /_sandbox/faults, the real SDK (or protocol client) sends,
and the provider's classification is what app.core.delivery acts on: InvalidRecipient
deactivates or suppresses, RateLimited waits Retry-After, TransientError retries,
PermanentError fails at once.
"""
import pytest

from app.channels.base import Message, RateLimited
from app.config import Config
from app.sandbox.webpush import subscription

PUSH = {"title": "Hi", "body": "There"}
SMS = {"text": "Hi"}
EMAIL = {"subject": "Hi", "text": "Hello", "html": "<p>Hello</p>"}
RETRY_AFTER = 7
SECOND = {"fcm": "fcm-token-mapping-0002", "apns": "c" * 64, "twilio": "+14155550101",
          "vonage": "+14155550101", "sendgrid": "bob@example.com", "smtp": "bob@example.com",
          "mailchimp": "bob@example.com"}


def cases(name: str, table: list[tuple]):
    """Parametrize (provider, kind, error_class, code) for one provider's fault table."""
    return pytest.mark.parametrize(
        "provider, kind, error_class, code",
        [pytest.param(name, *case, id=f"{name}-{case[0]}") for case in table],
        indirect=["provider"],
    )


def message_for(name: str, sandbox, number: int = 1) -> Message:
    if name == "webpush":
        sub = subscription(sandbox.tls_url, "mapping" if number == 1 else f"mapping-{number}")
        return Message(f"n-{number}", "push", sub["endpoint"], PUSH, platform="web",
                       subscription=sub)
    channel, to, content = {
        "fcm": ("push", "fcm-token-mapping-0001", PUSH),
        "apns": ("push", "b" * 64, PUSH),
        "twilio": ("sms", "+14155550100", SMS),
        "vonage": ("sms", "+14155550100", SMS),
        "sendgrid": ("email", "ada@example.com", EMAIL),
        "smtp": ("email", "ada@example.com", EMAIL),
        "mailchimp": ("email", "ada@example.com", EMAIL),
    }[name]
    return Message(f"n-{number}", channel, SECOND[name] if number == 2 else to, content)


def check_injected_error(provider, kind, error_class, code, sandbox,
                         retry_after: float = RETRY_AFTER) -> None:
    message = message_for(provider.name, sandbox)
    sandbox.fail(provider.name, kind, retry_after=RETRY_AFTER)
    [result] = provider.send_batch([message])
    assert type(result.error) is error_class, result.error
    assert result.error.code == code
    if error_class is RateLimited:
        assert result.error.retry_after == pytest.approx(retry_after, abs=1.5)
    [ok] = provider.send_batch([message])  # the fault is used up: the next one goes through
    assert ok.ok, ok.error
    assert len(sandbox.received(provider.name)) == 1


def check_batch_fails_only_the_matched_recipient(provider, sandbox, fault: str = "500"):
    """A batch keeps its order, and a fault for one recipient fails that one only."""
    first, second = message_for(provider.name, sandbox), message_for(provider.name, sandbox, 2)
    sandbox.fail(provider.name, fault, match=second.to)
    results = provider.send_batch([first, second])
    assert [r.message_id for r in results] == ["n-1", "n-2"]
    assert [r.ok for r in results] == [True, False]
    assert [e["recipient"] for e in sandbox.received(provider.name)] == [first.to]


def with_settings(config, **overrides) -> Config:
    return Config(**{**vars(config), **overrides})
