"""FCM HTTP v1 through firebase-admin: error mapping at the simulator, service accounts."""
import json
import socket

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.push.fcm import FcmProvider
from app.channels.push.fcm_settings import fcm_project_id
from app.config import Config
from app.settings import ConfigurationError
from tests.channels.support import (
    PUSH,
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
    with_settings,
)


@cases("fcm", [
    ("UNREGISTERED", InvalidRecipient, "UNREGISTERED"),
    ("INVALID_ARGUMENT", InvalidRecipient, "INVALID_ARGUMENT"),
    ("SENDER_ID_MISMATCH", PermanentError, "SENDER_ID_MISMATCH"),
    ("429", RateLimited, "QUOTA_EXCEEDED"),
    ("503", TransientError, "UNAVAILABLE"),
    ("500", TransientError, "INTERNAL"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["fcm"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox)


@pytest.fixture()
def service_account(tmp_path, sandbox):
    """A service-account JSON for project acme-prod whose token_uri is the simulator's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "acme-prod-firebase-adminsdk.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "acme-prod", "private_key_id": "k1",
        "private_key": pem, "client_email": "herald@acme-prod.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": f"{sandbox.http_url}/token",
    }))
    return str(path)


@pytest.mark.parametrize("project_setting", ["", "acme-prod"])
def test_fcm_sends_to_the_service_accounts_project(config, sandbox, service_account,
                                                   project_setting):
    provider = FcmProvider(with_settings(config, FCM_CREDENTIALS_FILE=service_account,
                                         FCM_PROJECT_ID=project_setting))
    try:
        [result] = provider.send_batch([Message("n-1", "push", "fcm-token-project-01", PUSH)])
    finally:
        provider.close()
    assert result.ok, result.error
    [received] = sandbox.received("fcm")
    assert received["project"] == "acme-prod"
    assert result.provider_message_id.startswith("projects/acme-prod/messages/")


@pytest.mark.parametrize("project_setting", ["", "acme-prod"])
def test_fcm_project_comes_from_the_service_account(service_account, project_setting):
    config = Config(FCM_PROJECT_ID=project_setting, FCM_CREDENTIALS_FILE=service_account)
    assert fcm_project_id(config) == "acme-prod"


def test_fcm_project_setting_serves_only_without_a_service_account():
    assert fcm_project_id(Config(FCM_PROJECT_ID="dev-project")) == "dev-project"
    assert fcm_project_id(Config(FCM_PROJECT_ID="")) == "herald-sandbox"


def test_fcm_refuses_a_project_setting_that_contradicts_the_service_account(
        config, service_account):
    settings = with_settings(config, FCM_CREDENTIALS_FILE=service_account,
                             FCM_PROJECT_ID="acme-staging")
    with pytest.raises(ConfigurationError, match="HERALD_FCM_PROJECT_ID"):
        FcmProvider(settings)


def test_a_batch_goes_out_over_tls_in_order(config, sandbox):
    """On an https endpoint (as fcm.googleapis.com) batches go out over TLS (HTTP/1.1),
    the client kept between batches; results come back in order."""
    provider = FcmProvider(with_settings(config, FCM_URL=sandbox.tls_url,
                                         FCM_CA_FILE=str(sandbox.cert)))
    tokens = [f"fcm-token-tls-{i:04d}" for i in range(30)]
    try:
        results = provider.send_batch([Message(f"n-{i}", "push", t, PUSH)
                                       for i, t in enumerate(tokens)])
        again = provider.send_batch([Message("n-30", "push", "fcm-token-tls-0030", PUSH)])
    finally:
        provider.close()
    assert [r.message_id for r in results] == [f"n-{i}" for i in range(30)]
    assert all(r.ok for r in results + again), [r.error for r in results if not r.ok]
    received = sandbox.received("fcm")
    assert sorted(e["recipient"] for e in received) == [*tokens, "fcm-token-tls-0030"]
    assert {e["http_version"] for e in received} == {"1.1"}
    assert {e["scheme"] for e in received} == {"https"}


def test_an_unreachable_endpoint_fails_each_message_as_transient(config):
    """A refused connection reaches the SDK as an httpx error, which it maps per message."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    provider = FcmProvider(with_settings(config, FCM_URL=f"http://127.0.0.1:{port}"))
    try:
        results = provider.send_batch([Message(f"n-{i}", "push", f"fcm-token-gone-{i}", PUSH)
                                       for i in range(2)])
    finally:
        provider.close()
    assert [r.message_id for r in results] == ["n-0", "n-1"]
    assert [type(r.error) for r in results] == [TransientError, TransientError]
