"""Every provider against its live simulator: each injected error lands in the right class.

The fault is injected through /_sandbox/faults, the real SDK (or protocol client) sends,
and the provider's classification is what app.core.delivery.deliver acts on: InvalidRecipient
deactivates or suppresses, RateLimited waits Retry-After, TransientError retries,
PermanentError fails at once.
"""
import pytest

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.registry import provider_class
from app.sandbox.webpush import subscription

PUSH = {"title": "Hi", "body": "There"}
SMS = {"text": "Hi"}
EMAIL = {"subject": "Hi", "text": "Hello", "html": "<p>Hello</p>"}
RETRY_AFTER = 7

# provider, fault kind, error class, error code
CASES = [
    ("fcm", "UNREGISTERED", InvalidRecipient, "UNREGISTERED"),
    ("fcm", "INVALID_ARGUMENT", InvalidRecipient, "INVALID_ARGUMENT"),
    ("fcm", "SENDER_ID_MISMATCH", PermanentError, "SENDER_ID_MISMATCH"),
    ("fcm", "429", RateLimited, "QUOTA_EXCEEDED"),
    ("fcm", "503", TransientError, "UNAVAILABLE"),
    ("fcm", "500", TransientError, "INTERNAL"),
    ("apns", "410", InvalidRecipient, "Unregistered"),
    ("apns", "400", InvalidRecipient, "BadDeviceToken"),
    ("apns", "413", PermanentError, "PayloadTooLarge"),
    ("apns", "429", RateLimited, "TooManyRequests"),
    ("apns", "503", TransientError, "ServiceUnavailable"),
    ("webpush", "404", InvalidRecipient, "404"),
    ("webpush", "410", InvalidRecipient, "410"),
    ("webpush", "400", PermanentError, "400"),
    ("webpush", "413", PermanentError, "413"),
    ("webpush", "429", RateLimited, "429"),
    ("webpush", "500", TransientError, "500"),
    ("webpush", "503", TransientError, "503"),
    ("twilio", "21211", InvalidRecipient, "21211"),
    ("twilio", "21610", InvalidRecipient, "21610"),
    ("twilio", "21408", PermanentError, "21408"),
    ("twilio", "429", RateLimited, "20429"),
    ("twilio", "500", TransientError, "20500"),
    ("sendgrid", "400", InvalidRecipient, "400"),
    ("sendgrid", "401", PermanentError, "401"),
    ("sendgrid", "413", PermanentError, "413"),
    ("sendgrid", "429", RateLimited, "429"),
    ("sendgrid", "500", TransientError, "500"),
    ("sendgrid", "503", TransientError, "503"),
    ("smtp", "450", TransientError, "450"),
    ("smtp", "451", TransientError, "451"),
    ("smtp", "421", TransientError, "421"),
    ("smtp", "550", InvalidRecipient, "550"),
    ("smtp", "553", InvalidRecipient, "553"),
    ("smtp", "554", PermanentError, "554"),
]


def message_for(name: str, sandbox) -> Message:
    if name == "webpush":
        sub = subscription(sandbox.tls_url, "mapping")
        return Message("n-1", "push", sub["endpoint"], PUSH, platform="web", subscription=sub)
    channel, to, content = {
        "fcm": ("push", "fcm-token-mapping-0001", PUSH),
        "apns": ("push", "b" * 64, PUSH),
        "twilio": ("sms", "+14155550100", SMS),
        "sendgrid": ("email", "ada@example.com", EMAIL),
        "smtp": ("email", "ada@example.com", EMAIL),
    }[name]
    return Message("n-1", channel, to, content)


@pytest.fixture()
def provider(request, config):
    instance = provider_class(request.param)(config)
    yield instance
    instance.close()


@pytest.mark.parametrize(
    "provider, kind, error_class, code",
    [pytest.param(c[0], *c[1:], id=f"{c[0]}-{c[1]}") for c in CASES],
    indirect=["provider"],
)
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    message = message_for(provider.name, sandbox)
    sandbox.fail(provider.name, kind, retry_after=RETRY_AFTER)
    [result] = provider.send_batch([message])
    assert type(result.error) is error_class, result.error
    assert result.error.code == code
    if error_class is RateLimited:
        assert result.error.retry_after == pytest.approx(RETRY_AFTER, abs=1.5)
    [ok] = provider.send_batch([message])  # the fault is used up: the next one goes through
    assert ok.ok, ok.error
    assert len(sandbox.received(provider.name)) == 1


SECOND = {"fcm": "fcm-token-mapping-0002", "apns": "c" * 64, "twilio": "+14155550101",
          "sendgrid": "bob@example.com", "smtp": "bob@example.com"}
BATCH_FAULT = {"sendgrid": "400", "smtp": "451"}  # sendgrid: the named address is refused


@pytest.mark.parametrize("provider", ["fcm", "apns", "webpush", "twilio", "sendgrid", "smtp"],
                         indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    first = message_for(provider.name, sandbox)
    if provider.name == "webpush":
        sub = subscription(sandbox.tls_url, "mapping-2")
        second = Message("n-2", "push", sub["endpoint"], PUSH, "web", sub)
    else:
        second = Message("n-2", first.channel, SECOND[provider.name], first.content)
    sandbox.fail(provider.name, BATCH_FAULT.get(provider.name, "500"), match=second.to)
    results = provider.send_batch([first, second])
    assert [r.message_id for r in results] == ["n-1", "n-2"]
    assert [r.ok for r in results] == [True, False]
    assert [e["recipient"] for e in sandbox.received(provider.name)] == [first.to]


def test_a_malformed_fault_is_refused(sandbox):
    for body in ({"provider": "pigeon", "kind": "500"}, {"provider": "fcm"},
                 {"provider": "fcm", "kind": "500", "times": "often"}, [1]):
        response = sandbox.http.post("/_sandbox/faults", json=body)
        assert response.status_code == 422, body
    assert "webpush" in response.json()["providers"]
