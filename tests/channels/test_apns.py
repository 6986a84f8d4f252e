"""APNs over HTTP/2: error mapping at the simulator, team and key ids as Apple issues them."""
import pytest

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.push.apns import CONNECTIONS, ApnsProvider
from app.config import Config
from tests.channels.support import (
    PUSH,
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
    with_settings,
)


@cases("apns", [
    ("410", InvalidRecipient, "Unregistered"),
    ("400", InvalidRecipient, "BadDeviceToken"),
    ("413", PermanentError, "PayloadTooLarge"),
    ("429", RateLimited, "TooManyRequests"),
    ("503", TransientError, "ServiceUnavailable"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["apns"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox)


def apns_send(config, **overrides):
    provider = ApnsProvider(with_settings(config, **overrides))
    try:
        [result] = provider.send_batch([Message("n-1", "push", "c" * 64, PUSH)])
    finally:
        provider.close()
    return result


def test_apns_default_team_id_is_accepted_as_apple_would(config, sandbox, monkeypatch):
    monkeypatch.delenv("HERALD_APNS_TEAM_ID", raising=False)
    result = apns_send(config, APNS_TEAM_ID=Config().APNS_TEAM_ID)
    assert result.ok, result.error
    assert len(sandbox.received("apns")) == 1


@pytest.mark.parametrize("team_id", ["SANDBOXTEAM", "ABC123", "abc123defg"])
def test_apns_refuses_a_team_id_apple_would_not_issue(config, sandbox, team_id):
    result = apns_send(config, APNS_TEAM_ID=team_id)
    assert isinstance(result.error, PermanentError)
    assert result.error.code == "InvalidProviderToken"
    assert sandbox.received("apns") == []


def test_a_batch_is_multiplexed_over_several_http2_connections(config, sandbox):
    """Streams of one batch share a few connections, each answer lands on its message."""
    provider = ApnsProvider(config)
    tokens = [f"{i:064x}" for i in range(40)]
    try:
        results = provider.send_batch([Message(f"n-{i}", "push", t, PUSH)
                                       for i, t in enumerate(tokens)])
    finally:
        provider.close()
    assert [r.message_id for r in results] == [f"n-{i}" for i in range(40)]
    assert all(r.ok for r in results)
    received = sandbox.received("apns")
    assert sorted(e["recipient"] for e in received) == tokens
    assert {e["http_version"] for e in received} == {"2"}
    assert 1 < len({e["connection"] for e in received}) <= CONNECTIONS
