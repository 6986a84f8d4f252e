"""Configuration read from HERALD_* environment variables."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Public development defaults: fine against the sandbox, refused in production mode.
DEV_DEFAULTS = {
    "SECRET_KEY": "dev-insecure-change-me",
    "APNS_KEY_ID": "SANDBOXKEY",
    "APNS_TEAM_ID": "HERALDTEAM",  # Apple's team and key ids are 10 characters
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "sandbox-token",
    "VONAGE_API_KEY": "sandbox",
    "VONAGE_API_SECRET": "sandbox-secret",
    "SENDGRID_API_KEY": "SG.sandbox",
    "VAPID_SUBJECT": "mailto:ops@example.com",
}


@dataclass(frozen=True)
class Problem:
    setting: str  # the HERALD_* variable to change
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.setting} {self.message}"


class ConfigurationError(Exception):
    """Settings a process must not start with; the message lists each one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Herald will not start; change these settings:\n{lines}")


def env(name: str, default: str = "") -> str:
    """Return the HERALD_<name> environment variable, or a default."""
    return os.environ.get(f"HERALD_{name}", default)


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


class Config:
    """Every setting Herald reads; tests and deployments override through the env."""

    def __init__(self, **overrides):
        # "production" refuses to start on sandbox endpoints and development defaults.
        self.ENV = env("ENV", "development")
        # Where `python -m app.sandbox` listens; every provider's default points here.
        self.SANDBOX_HOST = sandbox = env("SANDBOX_HOST", "127.0.0.1")
        self.SANDBOX_HTTP_PORT = env_int("SANDBOX_HTTP_PORT", 9100)
        self.SANDBOX_TLS_PORT = env_int("SANDBOX_TLS_PORT", 9443)
        self.SANDBOX_SMTP_PORT = env_int("SANDBOX_SMTP_PORT", 9025)
        sandbox_http = f"http://{sandbox}:{self.SANDBOX_HTTP_PORT}"
        sandbox_https = f"https://{sandbox}:{self.SANDBOX_TLS_PORT}"

        self.SECRET_KEY = env("SECRET_KEY", DEV_DEFAULTS["SECRET_KEY"])
        self.SQLALCHEMY_DATABASE_URI = env(
            "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'herald.db'}"
        )
        self.REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.BASE_URL = env("BASE_URL", f"http://{env('BIND', '127.0.0.1:8000')}")
        self.MAX_CONTENT_LENGTH = env_int("MAX_REQUEST_BYTES", 2 * 1024 * 1024)
        # Path and query; longer is a 414. Keep it under gunicorn's --limit-request-line.
        self.MAX_URL_BYTES = env_int("MAX_URL_BYTES", 4096)
        # A CSV contact import may be larger than other requests (100,000 rows ≈ 10 MB).
        self.IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

        # Console sign-in: Secure cookies need https; lockout per account and per IP.
        self.SESSION_COOKIE_SECURE = env_bool(
            "SESSION_COOKIE_SECURE", self.BASE_URL.startswith("https://")
        )
        self.SESSION_COOKIE_NAME = env("SESSION_COOKIE_NAME", "herald_session")
        # A session ends after this long without a request, and this long after sign-in.
        self.SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 3600)
        self.SESSION_LIFETIME_SECONDS = env_int("SESSION_LIFETIME_SECONDS", 12 * 3600)
        self.LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
        self.LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
        self.LOGIN_IP_MAX_FAILURES = env_int("LOGIN_IP_MAX_FAILURES", 20)

        # Templates: every render's wall-clock budget; the largest email body (HTML or text).
        self.RENDER_TIMEOUT_MS = env_int("RENDER_TIMEOUT_MS", 200)
        self.MAX_EMAIL_HTML_BYTES = env_int("MAX_EMAIL_HTML_BYTES", 512 * 1024)

        # Delivery
        self.BATCH_SIZE = env_int("BATCH_SIZE", 500)
        self.MAX_ATTEMPTS = env_int("MAX_ATTEMPTS", 5)
        self.RETRY_BASE_SECONDS = float(env("RETRY_BASE_SECONDS", "10"))
        self.RETRY_MAX_SECONDS = float(env("RETRY_MAX_SECONDS", "3600"))
        self.SEND_LEASE_SECONDS = env_int("SEND_LEASE_SECONDS", 300)
        self.SWEEP_GRACE_SECONDS = env_int("SWEEP_GRACE_SECONDS", 60)
        self.SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 5)
        self.QUIET_HOURS = env("QUIET_HOURS", "22:00-08:00")
        self.DEFAULT_RATE_LIMIT = env("DEFAULT_RATE_LIMIT", "")
        self.ALERT_WEBHOOK_URL = env("ALERT_WEBHOOK_URL", "")
        self.IDEMPOTENCY_TTL_SECONDS = env_int("IDEMPOTENCY_TTL_SECONDS", 24 * 3600)
        # How far ahead a send may be scheduled (send_at); a few minutes back is allowed.
        self.MAX_SCHEDULE_DAYS = env_int("MAX_SCHEDULE_DAYS", 365)

        # Providers (defaults point at the sandbox simulators)
        self.SANDBOX_CA_FILE = env("SANDBOX_CA_FILE", str(ROOT / "instance" / "sandbox-ca.pem"))
        self.FCM_URL = env("FCM_URL", sandbox_http)
        # The service account's own project_id is used; this only without a credentials file.
        self.FCM_PROJECT_ID = env("FCM_PROJECT_ID")
        self.FCM_CREDENTIALS_FILE = env("FCM_CREDENTIALS_FILE")
        self.APNS_URL = env("APNS_URL", sandbox_https)
        self.APNS_CA_FILE = env("APNS_CA_FILE", self.SANDBOX_CA_FILE)
        self.APNS_KEY_FILE = env("APNS_KEY_FILE")
        self.APNS_KEY_ID = env("APNS_KEY_ID", DEV_DEFAULTS["APNS_KEY_ID"])
        self.APNS_TEAM_ID = env("APNS_TEAM_ID", DEV_DEFAULTS["APNS_TEAM_ID"])
        self.APNS_TOPIC = env("APNS_TOPIC", "com.example.herald")
        self.VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
        self.VAPID_SUBJECT = env("VAPID_SUBJECT", DEV_DEFAULTS["VAPID_SUBJECT"])
        # Made once when VAPID_PRIVATE_KEY is empty; keep it: browsers subscribed with its key.
        self.VAPID_KEY_FILE = env("VAPID_KEY_FILE", str(ROOT / "instance" / "vapid-private.pem"))
        # Trusted besides the system roots (the sandbox plays push services over TLS).
        self.WEBPUSH_CA_FILE = env("WEBPUSH_CA_FILE", self.SANDBOX_CA_FILE)
        # Push services a web subscription may point at: DNS names, https on port 443.
        self.WEBPUSH_ALLOWED_HOSTS = env(
            "WEBPUSH_ALLOWED_HOSTS",
            "fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,"
            "*.push.apple.com")
        # Origins that may be an IP, another port or a private address: only the sandbox's.
        self.WEBPUSH_PRIVATE_ORIGINS = env("WEBPUSH_PRIVATE_ORIGINS", sandbox_https)
        self.SMS_PROVIDERS = env("SMS_PROVIDERS", "twilio,vonage")
        self.TWILIO_URL = env("TWILIO_URL", sandbox_http)
        self.TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", DEV_DEFAULTS["TWILIO_ACCOUNT_SID"])
        self.TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", DEV_DEFAULTS["TWILIO_AUTH_TOKEN"])
        self.TWILIO_FROM = env("TWILIO_FROM", "+15005550006")
        self.VONAGE_URL = env("VONAGE_URL", sandbox_https)
        self.VONAGE_CA_FILE = env("VONAGE_CA_FILE", self.SANDBOX_CA_FILE)
        self.VONAGE_API_KEY = env("VONAGE_API_KEY", DEV_DEFAULTS["VONAGE_API_KEY"])
        self.VONAGE_API_SECRET = env("VONAGE_API_SECRET", DEV_DEFAULTS["VONAGE_API_SECRET"])
        self.VONAGE_FROM = env("VONAGE_FROM", "Herald")
        self.EMAIL_PROVIDERS = env("EMAIL_PROVIDERS", "sendgrid,smtp")
        self.EMAIL_FROM = env("EMAIL_FROM", "Herald <no-reply@example.com>")
        self.SENDGRID_URL = env("SENDGRID_URL", sandbox_http)
        self.SENDGRID_API_KEY = env("SENDGRID_API_KEY", DEV_DEFAULTS["SENDGRID_API_KEY"])
        self.SENDGRID_WEBHOOK_PUBLIC_KEY = env("SENDGRID_WEBHOOK_PUBLIC_KEY")
        # Replays: a signed webhook timestamp older than this is refused (SendGrid), and
        # providers that sign none (Twilio status callbacks) have their ids remembered
        # this many days (inbound STOP/START message ids are kept for good).
        self.WEBHOOK_MAX_AGE_SECONDS = env_int("WEBHOOK_MAX_AGE_SECONDS", 600)
        self.WEBHOOK_ID_RETENTION_DAYS = env_int("WEBHOOK_ID_RETENTION_DAYS", 30)
        self.METRICS_TOKEN = env("METRICS_TOKEN")  # bearer token for /metrics; empty: open
        self.SMTP_HOST = env("SMTP_HOST", sandbox)
        self.SMTP_PORT = env_int("SMTP_PORT", self.SANDBOX_SMTP_PORT)
        self.SMTP_USERNAME = env("SMTP_USERNAME")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD")
        # auto: implicit TLS on port 465, else STARTTLS when offered; or starttls (required),
        # implicit, none. HERALD_SMTP_STARTTLS=1 is the older spelling of starttls.
        self.SMTP_TLS = env("SMTP_TLS", "starttls" if env_bool("SMTP_STARTTLS", False) else "auto")
        self.SMTP_CA_FILE = env("SMTP_CA_FILE")  # trust this CA for the relay (else system)

        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        for key, value in overrides.items():
            setattr(self, key, value)

    def sandbox_urls(self) -> dict:
        """Return the provider base URLs, for the sandbox banner and tests."""
        return {k: getattr(self, k) for k in dir(self) if k.endswith("_URL")}
