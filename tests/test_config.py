"""Typed settings: every HERALD_* value is checked when Config loads, naming the variable."""
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.channels.registry import PROVIDERS, WEBHOOKS, provider_class, settings_group
from app.config import Config
from app.core.ops import startup
from app.settings import ConfigurationError

# (variable, a value it must refuse): one row at least for every setting that is not free text.
BAD_VALUES = [
    ("HERALD_ENV", "prod"),
    ("HERALD_SANDBOX_HTTP_PORT", "http"),
    ("HERALD_SANDBOX_TLS_PORT", "70000"),
    ("HERALD_SANDBOX_SMTP_PORT", "0"),
    ("HERALD_MAX_REQUEST_BYTES", "2MB"),
    ("HERALD_MAX_URL_BYTES", "0"),
    ("HERALD_IMPORT_MAX_BYTES", "-1"),
    ("HERALD_SESSION_COOKIE_SECURE", "sometimes"),
    ("HERALD_SESSION_IDLE_SECONDS", "1h"),
    ("HERALD_SESSION_LIFETIME_SECONDS", "0"),
    ("HERALD_LOGIN_MAX_FAILURES", "five"),
    ("HERALD_LOGIN_LOCKOUT_SECONDS", "-900"),
    ("HERALD_LOGIN_IP_MAX_FAILURES", "2.5"),
    ("HERALD_RENDER_TIMEOUT_MS", "200ms"),
    ("HERALD_MAX_EMAIL_HTML_BYTES", "512k"),
    ("HERALD_BATCH_SIZE", "0"),
    ("HERALD_EMAIL_BATCH_SIZE", "-1000"),
    ("HERALD_MAX_ATTEMPTS", "lots"),
    ("HERALD_RETRY_BASE_SECONDS", "soon"),
    ("HERALD_RETRY_MAX_SECONDS", "0"),
    ("HERALD_SEND_LEASE_SECONDS", "5m"),
    ("HERALD_SWEEP_GRACE_SECONDS", "-1"),
    ("HERALD_DRAIN_IDLE_MS", "-5"),
    ("HERALD_SWEEP_INTERVAL_SECONDS", "0"),
    ("HERALD_CAMPAIGN_TICK_SECONDS", "0"),
    ("HERALD_TRUSTED_PROXIES", "-1"),
    ("HERALD_TRACKING_BIND", "8001"),
    ("HERALD_TRACKING_BIND", "127.0.0.1:http"),
    ("HERALD_TRACKING_BIND", "127.0.0.1:70000"),
    ("HERALD_TRACKING_WORKERS", "0"),
    ("HERALD_CAMPAIGN_CHUNK", "-5"),
    ("HERALD_QUIET_HOURS", "22-08"),
    ("HERALD_QUIET_HOURS", "25:00-08:00"),
    ("HERALD_DEFAULT_RATE_LIMIT", "sms=2"),
    ("HERALD_DEFAULT_RATE_LIMIT", "sms=two/60"),
    ("HERALD_DEFAULT_RATE_LIMIT", "smss=2/60"),
    ("HERALD_DEFAULT_RATE_LIMIT", "sms=0/60"),
    ("HERALD_DEFAULT_RATE_LIMIT", "sms=2/60,sms=5/3600"),
    ("HERALD_LOG_FORMAT", "yaml"),
    ("HERALD_API_RATE_LIMIT", "600"),
    ("HERALD_API_RATE_LIMIT", "0/minute"),
    ("HERALD_API_RATE_LIMIT", "lots/minute"),
    ("HERALD_ALERT_INTERVAL_SECONDS", "0"),
    ("HERALD_ALERT_REPEAT_SECONDS", "15m"),
    ("HERALD_ALERT_QUEUE_AGE_SECONDS", "-1"),
    ("HERALD_ALERT_ERROR_RATE", "25%"),
    ("HERALD_ALERT_ERROR_RATE", "1.5"),
    ("HERALD_ALERT_ERROR_MIN_SENDS", "0"),
    ("HERALD_ALERT_WINDOW_MINUTES", "61"),
    ("HERALD_IDEMPOTENCY_TTL_SECONDS", "1d"),
    ("HERALD_MAX_SCHEDULE_DAYS", "0"),
    ("HERALD_WEBHOOK_MAX_AGE_SECONDS", "10 minutes"),
    ("HERALD_WEBHOOK_ID_RETENTION_DAYS", "-30"),
    ("HERALD_DEMO", "maybe"),
    ("HERALD_TRACK_OPENS", "sometimes"),
    ("HERALD_TRACK_CLICKS", "2"),
    ("HERALD_TRACKING_LINK_DAYS", "0"),
    ("HERALD_TRACKING_MIN_SECONDS", "-1"),
    ("HERALD_EVENTS_DRAIN_SECONDS", "0"),
    ("HERALD_ATTRIBUTION_WINDOW_HOURS", "3 days"),
    ("HERALD_CIRCUIT_FAILURES", "0"),
    ("HERALD_CIRCUIT_ERROR_RATE", "50%"),
    ("HERALD_CIRCUIT_ERROR_RATE", "1.5"),
    ("HERALD_CIRCUIT_MIN_REQUESTS", "-1"),
    ("HERALD_CIRCUIT_WINDOW_SECONDS", "1m"),
    ("HERALD_CIRCUIT_COOLDOWN_SECONDS", "0"),
    ("HERALD_ENCRYPTION_KEY", "not-a-fernet-key"),
    ("HERALD_PROVIDER_RATE_LIMITS", "twilio=10"),
    ("HERALD_PROVIDER_RATE_LIMITS", "twillio=10/1"),
    ("HERALD_PROVIDER_RATE_LIMITS", "twilio=0/1"),
    ("HERALD_PROVIDER_RATE_LIMITS", "fcm=5/1,fcm=6/1"),
    ("HERALD_RATE_WAIT_MAX_SECONDS", "0"),
    ("HERALD_RETENTION_NOTIFICATIONS_DAYS", "0"),
    ("HERALD_RETENTION_HISTORY_DAYS", "a month"),
    ("HERALD_RETENTION_EVENTS_DAYS", "99999"),
    ("HERALD_SMTP_PORT", "smtp"),
    ("HERALD_SMTP_STARTTLS", "maybe"),
    ("HERALD_SMTP_TLS", "ssl"),
]


def typed_variables() -> set[str]:
    """The variables whose setting is not free text (a string, or a list of strings)."""
    return {Config.variables()[name] for name, field in Config.model_fields.items()
            if name in Config.variables() and field.annotation not in (str, tuple[str, ...])}


def test_every_typed_setting_has_a_bad_value_in_the_table():
    assert typed_variables() - {variable for variable, _ in BAD_VALUES} == set()


@pytest.mark.parametrize("variable, value", BAD_VALUES,
                         ids=[f"{v}={value}" for v, value in BAD_VALUES])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as refused:
        Config()
    assert [p.setting for p in refused.value.problems] == [variable]
    assert repr(value)[:20] in str(refused.value)


def test_a_misspelled_override_is_refused():
    with pytest.raises(ConfigurationError, match="BATCH_SIZ is not a setting: did you mean "
                                                 "BATCH_SIZE"):
        Config(BATCH_SIZ=25)


def test_a_bad_override_names_the_variable():
    with pytest.raises(ConfigurationError, match="HERALD_QUIET_HOURS is '10pm-8am'"):
        Config(QUIET_HOURS="10pm-8am")


def test_assigning_a_bad_value_or_an_unknown_setting_fails():
    config = Config()
    with pytest.raises(ValueError):
        config.BATCH_SIZE = "lots"
    with pytest.raises(ValueError):
        config.BATCH_SIZ = 25


def test_a_bad_rate_limit_stops_the_app_and_the_workers_at_start(monkeypatch, capsys):
    monkeypatch.setenv("HERALD_DEFAULT_RATE_LIMIT", "sms=2/minute")
    with pytest.raises(ConfigurationError, match="HERALD_DEFAULT_RATE_LIMIT"):
        create_app()
    with pytest.raises(SystemExit) as exited:
        startup.load_or_exit(Config)
    assert exited.value.code == 2
    assert "HERALD_DEFAULT_RATE_LIMIT is 'sms=2/minute'" in capsys.readouterr().err


def test_lists_windows_and_limits_are_parsed_once_at_load(monkeypatch):
    monkeypatch.setenv("HERALD_SMS_PROVIDERS", " vonage, ,twilio ")
    monkeypatch.setenv("HERALD_QUIET_HOURS", "21:30-07:05")
    monkeypatch.setenv("HERALD_DEFAULT_RATE_LIMIT", "push=10/3600, sms = 2/60")
    monkeypatch.setenv("HERALD_WEBPUSH_ALLOWED_HOSTS", "FCM.googleapis.com,*.push.apple.com")
    monkeypatch.setenv("HERALD_WEBPUSH_PRIVATE_ORIGINS", "https://Sandbox.internal:9443/")
    config = Config()
    assert config.SMS_PROVIDERS == ("vonage", "twilio")
    assert config.QUIET_HOURS == (21 * 60 + 30, 7 * 60 + 5)
    assert config.DEFAULT_RATE_LIMIT == {"push": (10, 3600), "sms": (2, 60)}
    assert config.WEBPUSH_ALLOWED_HOSTS == ("fcm.googleapis.com", "*.push.apple.com")
    assert config.WEBPUSH_PRIVATE_ORIGINS == ("https://sandbox.internal:9443",)
    assert Config(**vars(config)) == config  # the typed values load as they are


def test_empty_means_none():
    config = Config(QUIET_HOURS="", DEFAULT_RATE_LIMIT="", EMAIL_PROVIDERS="",
                    WEBPUSH_PRIVATE_ORIGINS="")
    assert config.QUIET_HOURS is None and config.DEFAULT_RATE_LIMIT == {}
    assert config.EMAIL_PROVIDERS == () and config.WEBPUSH_PRIVATE_ORIGINS == ()


def test_assignment_is_parsed_too():
    config = Config()
    config.SMS_PROVIDERS = "twilio"
    config.SMTP_PORT = "587"
    assert config.SMS_PROVIDERS == ("twilio",) and config.SMTP_PORT == 587


def test_defaults_follow_the_sandbox_and_the_bind_address(monkeypatch):
    monkeypatch.setenv("HERALD_SANDBOX_HOST", "sandbox.internal")
    monkeypatch.setenv("HERALD_SANDBOX_HTTP_PORT", "9200")
    monkeypatch.setenv("HERALD_BIND", "0.0.0.0:9000")
    config = Config(VONAGE_URL="rest.nexmo.com")
    assert config.TWILIO_URL == "http://sandbox.internal:9200"
    assert config.SMTP_HOST == "sandbox.internal" and config.SMTP_PORT == 9025
    assert config.VONAGE_URL == "rest.nexmo.com"  # given: kept
    assert config.BASE_URL == "http://0.0.0.0:9000" and config.SESSION_COOKIE_SECURE is False
    assert Config(BASE_URL="https://herald.example.com").SESSION_COOKIE_SECURE is True


def test_the_older_starttls_spelling_still_works(monkeypatch):
    monkeypatch.setenv("HERALD_SMTP_STARTTLS", "1")
    assert Config().SMTP_TLS == "starttls"
    assert Config(SMTP_TLS="implicit").SMTP_TLS == "implicit"


def test_flask_settings_are_passed_by_code_only(monkeypatch):
    monkeypatch.setenv("HERALD_TESTING", "1")
    assert Config().TESTING is False
    assert Config(TESTING=True, WTF_CSRF_ENABLED=False).WTF_CSRF_ENABLED is False


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider_declares_its_settings(provider):
    declared = settings_group(provider).model_fields
    assert declared and set(declared) <= set(Config.model_fields)
    assert all(Config.variables()[name] == f"HERALD_{name}" for name in declared)


def test_the_registry_names_every_provider_that_posts_webhooks():
    assert set(WEBHOOKS) == {name for name in PROVIDERS if provider_class(name).webhooks}


def test_the_app_imports_no_provider_until_one_is_used():
    """A channel worker loads only its own providers' SDKs (they cost memory)."""
    code = ("import sys; from app import create_app; create_app(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'firebase_admin', 'twilio', 'vonage', 'sendgrid', 'mailchimp_transactional', "
            "'pywebpush'} or m in " + repr(sorted(p.partition(':')[0] for p in PROVIDERS.values()))
            + "))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parent.parent)
    assert done.stdout.strip() == "[]"
