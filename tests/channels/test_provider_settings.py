"""Provider settings as the real services hand them out: FCM service accounts, APNs ids."""
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.channels.base import Message, PermanentError
from app.channels.push.apns import ApnsProvider
from app.channels.push.fcm import FcmProvider
from app.channels.push.fcm_settings import fcm_project_id
from app.config import Config, ConfigurationError

PUSH = {"title": "Hi", "body": "There"}


def with_settings(config, **overrides) -> Config:
    return Config(**{**vars(config), **overrides})


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
