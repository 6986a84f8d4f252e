"""Start-up checks: production mode refuses what only works against the sandbox."""
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app import create_app
from app.config import Config
from app.core.ops import startup
from app.settings import ConfigurationError


@pytest.fixture()
def key_files(tmp_path):
    """An APNs .p8 key and an FCM service-account file, as the consoles hand them out."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    apns = tmp_path / "AuthKey_ABC123DEFG.p8"
    apns.write_bytes(pem)
    fcm = tmp_path / "service-account.json"
    fcm.write_text(json.dumps({"type": "service_account", "project_id": "acme-prod"}))
    return {"APNS_KEY_FILE": str(apns), "FCM_CREDENTIALS_FILE": str(fcm)}


@pytest.fixture()
def production(key_files):
    """A production Config with every provider really configured; overrides break one thing."""
    settings = dict(
        ENV="production",
        SECRET_KEY="x" * 48,
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://herald@db.internal/herald",
        BASE_URL="https://herald.example.com",
        METRICS_TOKEN="metrics-token",
        ENCRYPTION_KEY="x0RduSU0GhHmVUz8B5QOQzt1r8vQk2xxFzA0wkSq9VQ=",
        FCM_URL="https://fcm.googleapis.com",
        APNS_URL="https://api.push.apple.com",
        APNS_KEY_ID="ABC123DEFG",
        APNS_TEAM_ID="DEF123GHIJ",
        VAPID_PRIVATE_KEY="a-real-key",
        VAPID_SUBJECT="mailto:push@acme.example",
        WEBPUSH_ALLOWED_HOSTS="fcm.googleapis.com,updates.push.services.mozilla.com",
        WEBPUSH_PRIVATE_ORIGINS="",
        TWILIO_URL="https://api.twilio.com",
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_AUTH_TOKEN="real-token",
        VONAGE_URL="rest.nexmo.com",
        VONAGE_API_KEY="real-key",
        VONAGE_API_SECRET="real-secret",
        SENDGRID_URL="https://api.sendgrid.com",
        SENDGRID_API_KEY="SG.real",
        SENDGRID_WEBHOOK_PUBLIC_KEY="MFkw...",
        MAILCHIMP_URL="https://mandrillapp.com",
        MAILCHIMP_API_KEY="md-real",
        SMTP_HOST="smtp.acme.example",
        SMTP_PORT=587,
        SMTP_TLS="starttls",
        **key_files,
    )
    return lambda **overrides: Config(**{**settings, **overrides})


def fatal(config) -> list[str]:
    return [p.setting for p in startup.problems(config) if p.fatal]


def test_a_real_production_configuration_starts(production):
    assert startup.problems(production()) == []
    create_app(production())


def test_development_defaults_start_in_development():
    assert fatal(Config(ENV="development")) == []


# (what is wrong, the setting the error must name)
MISCONFIGURED = [
    ({"SECRET_KEY": "dev-insecure-change-me"}, "HERALD_SECRET_KEY"),
    ({"SECRET_KEY": "short-but-random"}, "HERALD_SECRET_KEY"),
    ({"APNS_KEY_FILE": ""}, "HERALD_APNS_KEY_FILE"),
    ({"MAILCHIMP_API_KEY": "md-sandbox"}, "HERALD_MAILCHIMP_API_KEY"),
    ({"APNS_KEY_FILE": "/nonexistent/AuthKey.p8"}, "HERALD_APNS_KEY_FILE"),
    ({"FCM_CREDENTIALS_FILE": ""}, "HERALD_FCM_CREDENTIALS_FILE"),
    ({"FCM_URL": "http://127.0.0.1:9100"}, "HERALD_FCM_URL"),
    ({"APNS_URL": "https://localhost:9443"}, "HERALD_APNS_URL"),
    ({"TWILIO_URL": "http://[::1]:9100/"}, "HERALD_TWILIO_URL"),
    ({"VONAGE_URL": "127.0.0.1:9443"}, "HERALD_VONAGE_URL"),
    ({"SANDBOX_HOST": "sandbox.internal", "SANDBOX_HTTP_PORT": 9200,
      "SENDGRID_URL": "http://SANDBOX.internal:9200"}, "HERALD_SENDGRID_URL"),
    ({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9025}, "HERALD_SMTP_HOST"),
    ({"SANDBOX_SMTP_PORT": 2525, "SMTP_HOST": "localhost", "SMTP_PORT": 2525},
     "HERALD_SMTP_HOST"),
    ({"SENDGRID_URL": "http://api.sendgrid.com"}, "HERALD_SENDGRID_URL"),
    ({"TWILIO_AUTH_TOKEN": "sandbox-token"}, "HERALD_TWILIO_AUTH_TOKEN"),
    ({"SENDGRID_API_KEY": "SG.sandbox"}, "HERALD_SENDGRID_API_KEY"),
    ({"APNS_TEAM_ID": "HERALDTEAM"}, "HERALD_APNS_TEAM_ID"),
    ({"APNS_TEAM_ID": "ELEVENCHARS"}, "HERALD_APNS_TEAM_ID"),
    ({"WEBPUSH_ALLOWED_HOSTS": "fcm.googleapis.com,127.0.0.1"}, "HERALD_WEBPUSH_ALLOWED_HOSTS"),
    ({"WEBPUSH_PRIVATE_ORIGINS": "https://10.0.0.5:8443"}, "HERALD_WEBPUSH_PRIVATE_ORIGINS"),
    ({"BASE_URL": "http://127.0.0.1:8000"}, "HERALD_BASE_URL"),
    ({"SMTP_TLS": "none", "SMTP_USERNAME": "herald"}, "HERALD_SMTP_TLS"),
    ({"FCM_PROJECT_ID": "acme-staging"}, "HERALD_FCM_PROJECT_ID"),
]  # a value of the wrong type or shape (HERALD_ENV=prod) is refused earlier: tests/test_config.py


@pytest.mark.parametrize("overrides, setting", MISCONFIGURED,
                         ids=[f"{s}-{i}" for i, (_, s) in enumerate(MISCONFIGURED)])
def test_production_refuses_to_start_naming_the_setting(production, overrides, setting):
    config = production(**overrides)
    assert fatal(config) == [setting]
    with pytest.raises(ConfigurationError, match=setting):
        create_app(config)


def test_providers_out_of_use_are_not_checked(production):
    config = production(SMS_PROVIDERS="", TWILIO_URL="http://127.0.0.1:9100",
                        TWILIO_AUTH_TOKEN="sandbox-token", EMAIL_PROVIDERS="sendgrid",
                        SMTP_HOST="127.0.0.1", SMTP_PORT=9025)
    assert fatal(config) == []


def test_a_local_mail_relay_is_fine(production):
    assert startup.problems(production(SMTP_HOST="localhost", SMTP_PORT=25)) == []


def test_what_deserves_a_look_is_a_warning_not_a_refusal(production):
    config = production(METRICS_TOKEN="", SENDGRID_WEBHOOK_PUBLIC_KEY="",
                        SMTP_TLS="auto", SQLALCHEMY_DATABASE_URI="sqlite:///herald.db",
                        ENCRYPTION_KEY="")
    create_app(config)
    warned = {p.setting for p in startup.check(config)}
    assert warned == {"HERALD_METRICS_TOKEN", "HERALD_SENDGRID_WEBHOOK_PUBLIC_KEY",
                      "HERALD_SMTP_TLS", "HERALD_DATABASE_URL", "HERALD_ENCRYPTION_KEY"}


def test_every_problem_is_listed_at_once():
    with pytest.raises(ConfigurationError) as refused:
        create_app(Config(ENV="production"))
    message = str(refused.value)
    for setting in ("HERALD_SECRET_KEY", "HERALD_APNS_KEY_FILE", "HERALD_FCM_URL",
                    "HERALD_SMTP_HOST", "HERALD_WEBPUSH_PRIVATE_ORIGINS"):
        assert setting in message


def test_a_mismatched_fcm_project_is_refused_in_any_mode(key_files):
    with pytest.raises(ConfigurationError, match="HERALD_FCM_PROJECT_ID.*acme-prod"):
        create_app(Config(FCM_PROJECT_ID="acme-staging", **key_files))


def test_the_default_apns_team_id_looks_like_apples(monkeypatch):
    monkeypatch.delenv("HERALD_APNS_TEAM_ID", raising=False)
    team_id = Config().APNS_TEAM_ID
    assert len(team_id) == 10 and team_id.isalnum() and team_id.isupper()
