"""Configuration read from HERALD_* environment variables, typed and checked at load.

Herald's own settings are here; each provider declares its own settings group in its
channel's settings module (app/channels/<channel>/settings.py, which imports no provider
SDK) and app.channels.registry lists them. Tests and deployments override
with keyword arguments using the attribute names: `Config(TESTING=True, BATCH_SIZE=25)`.
"""
import re
from email.utils import parseaddr
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, NonNegativeInt, PositiveFloat, PositiveInt

from app.channels.registry import PROVIDERS, settings_groups
from app.settings import (
    INSTANCE,
    NO_ENV,
    PUBLIC,
    Derived,
    FernetKeys,
    Flag,
    HeraldSettings,
    HostPort,
    Names,
    Port,
    QuietHours,
    RateLimits,
    RequestRate,
    Seconds,
)


def _provider_limits(value):
    """"twilio=10/1,fcm=600000/60" → {provider: (messages, per_seconds)}; empty: none."""
    if not isinstance(value, str):
        return value
    limits = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = re.fullmatch(r"(\w+)\s*=\s*(\d+)\s*/\s*(\d+)", part)
        if not match or match[1] not in PROVIDERS or match[1] in limits \
                or int(match[2]) < 1 or int(match[3]) < 1:
            raise ValueError("write each part as provider=messages/seconds, each provider "
                             f"({', '.join(PROVIDERS)}) once, whole numbers above 0, e.g. "
                             f"twilio=10/1,fcm=600000/60 (not {part!r})")
        limits[match[1]] = (int(match[2]), int(match[3]))
    return limits


ProviderLimits = Annotated[dict[str, tuple[PositiveInt, PositiveInt]],
                           BeforeValidator(_provider_limits)]


class CoreSettings(HeraldSettings):
    """Every setting of Herald's own; each provider's are in its module."""

    # "production" refuses to start on sandbox endpoints and development defaults.
    ENV: Literal["development", "production"] = "development"
    # Where `python -m app.sandbox` listens; every provider's default points here.
    SANDBOX_HOST: str = "127.0.0.1"
    SANDBOX_HTTP_PORT: Port = 9100
    SANDBOX_TLS_PORT: Port = 9443
    SANDBOX_SMTP_PORT: Port = 9025
    SANDBOX_CA_FILE: str = str(INSTANCE / "sandbox-ca.pem")

    SECRET_KEY: Annotated[str, PUBLIC] = "dev-insecure-change-me"
    # Older secret keys whose signed links (tracking, preferences) are still accepted.
    SECRET_KEY_PREVIOUS: Names = ""
    # Fernet keys sealing provider settings stored in the console; the first seals, all
    # open (rotation). Empty: one derived from SECRET_KEY (development).
    ENCRYPTION_KEY: FernetKeys = ""
    SQLALCHEMY_DATABASE_URI: str = Field(f"sqlite:///{INSTANCE / 'herald.db'}",
                                         validation_alias="HERALD_DATABASE_URL")
    REDIS_URL: str = "redis://127.0.0.1:6379/0"
    BIND: str = "127.0.0.1:8000"  # where gunicorn listens (the Procfile reads it too)
    # Where the hit server (opens, clicks, short links) listens, and its processes.
    TRACKING_BIND: HostPort = "127.0.0.1:8001"
    TRACKING_WORKERS: PositiveInt = 1
    BASE_URL: Annotated[str, Derived(lambda c: f"http://{c.BIND}")] = ""
    # How many reverse proxies (load balancers) stand in front of the web process; their
    # X-Forwarded-For/-Proto/-Host headers are then trusted, that many hops deep.
    TRUSTED_PROXIES: NonNegativeInt = 0
    MAX_CONTENT_LENGTH: PositiveInt = Field(2 * 1024 * 1024,
                                            validation_alias="HERALD_MAX_REQUEST_BYTES")
    # Path and query; longer is a 414. Keep it under gunicorn's --limit-request-line.
    MAX_URL_BYTES: PositiveInt = 4096
    # A CSV contact import may be larger than other requests (100,000 rows ≈ 10 MB).
    IMPORT_MAX_BYTES: PositiveInt = 20 * 1024 * 1024

    # Console sign-in: Secure cookies need https; lockout per account and per IP.
    SESSION_COOKIE_SECURE: Annotated[
        Flag, Derived(lambda c: c.BASE_URL.startswith("https://"))] = False
    SESSION_COOKIE_NAME: str = "herald_session"
    # A session ends after this long without a request, and this long after sign-in.
    SESSION_IDLE_SECONDS: PositiveInt = 3600
    SESSION_LIFETIME_SECONDS: PositiveInt = 12 * 3600
    LOGIN_MAX_FAILURES: PositiveInt = 5
    LOGIN_LOCKOUT_SECONDS: Seconds = 900
    LOGIN_IP_MAX_FAILURES: PositiveInt = 20

    # Templates: every render's wall-clock budget; the largest email body (HTML or text).
    RENDER_TIMEOUT_MS: PositiveInt = 200
    MAX_EMAIL_HTML_BYTES: PositiveInt = 512 * 1024

    # Delivery
    BATCH_SIZE: PositiveInt = 500
    # Email's own: SendGrid takes 1,000 recipients per request (one per personalization).
    EMAIL_BATCH_SIZE: PositiveInt = 1000
    MAX_ATTEMPTS: PositiveInt = 5
    RETRY_BASE_SECONDS: PositiveFloat = 10.0
    RETRY_MAX_SECONDS: PositiveFloat = 3600.0
    # A claimed batch's lease, renewed while its worker sends: a dead worker's batch is
    # back in the queue this long (plus one sweep) after the crash.
    SEND_LEASE_SECONDS: PositiveInt = 20
    # A channel's drain waits this long for another id before its job ends (0: at once).
    DRAIN_IDLE_MS: NonNegativeInt = 1000
    SWEEP_GRACE_SECONDS: Seconds = 60
    SWEEP_INTERVAL_SECONDS: PositiveInt = 5
    # Campaigns: how often runs start, release held rows (throttle) and are counted.
    CAMPAIGN_TICK_SECONDS: PositiveInt = 2
    CAMPAIGN_CHUNK: PositiveInt = 20_000  # contacts a fan-out writes per transaction
    QUIET_HOURS: QuietHours = "22:00-08:00"  # (start, end) in minutes after midnight
    DEFAULT_RATE_LIMIT: RateLimits = ""  # {channel: (limit, per_seconds)}
    # Operator alerts: a webhook and/or email through Herald; checked every interval, a
    # kind sent at most once per repeat; thresholds: the oldest job's wait, a provider's
    # error rate (over at least MIN_SENDS sends) in the window, which dead rows count in.
    ALERT_WEBHOOK_URL: str = ""
    ALERT_EMAILS: Names = ""
    ALERT_INTERVAL_SECONDS: PositiveInt = 30
    ALERT_REPEAT_SECONDS: PositiveInt = 900
    ALERT_QUEUE_AGE_SECONDS: PositiveInt = 300
    ALERT_ERROR_RATE: Annotated[float, Field(gt=0, le=1)] = 0.25
    ALERT_ERROR_MIN_SENDS: PositiveInt = 20
    ALERT_WINDOW_MINUTES: Annotated[int, Field(ge=1, le=60)] = 10
    IDEMPOTENCY_TTL_SECONDS: PositiveInt = 24 * 3600
    # How far ahead a send may be scheduled (send_at); a few minutes back is allowed.
    MAX_SCHEDULE_DAYS: PositiveInt = 365

    # Circuit breakers per provider (shared by all workers): open after this many transient
    # failures in a row, or this share of failed sends (of at least MIN_REQUESTS) in one
    # window; one probe after the cool-down closes it again.
    CIRCUIT_FAILURES: PositiveInt = 5
    CIRCUIT_ERROR_RATE: Annotated[float, Field(gt=0, le=1)] = 0.5
    CIRCUIT_MIN_REQUESTS: PositiveInt = 20
    CIRCUIT_WINDOW_SECONDS: PositiveInt = 60
    CIRCUIT_COOLDOWN_SECONDS: PositiveFloat = 30.0
    # Send rate limits per provider, shared by all workers (Twilio: per sender number,
    # FCM: per project), and the longest a batch waits for its slots before retrying.
    PROVIDER_RATE_LIMITS: ProviderLimits = ""
    RATE_WAIT_MAX_SECONDS: PositiveFloat = 10.0
    # Failover chains, primary first; each provider's own settings are in its channel's
    # settings module.
    SMS_PROVIDERS: Names = "twilio,vonage"
    EMAIL_PROVIDERS: Names = "sendgrid,smtp,mailchimp"
    EMAIL_FROM: str = "Herald <no-reply@example.com>"
    # Marketing email's List-Unsubscribe mailto (an inbox the operator reads).
    UNSUBSCRIBE_MAILTO: Annotated[str, Derived(
        lambda c: f"unsubscribe@{parseaddr(c.EMAIL_FROM)[1].rpartition('@')[2]}")] = ""
    # The answer to an inbound SMS "HELP".
    SMS_HELP_TEXT: str = "Reply STOP to stop these messages, START to get them again."
    # Replays: a signed webhook timestamp older than this is refused (SendGrid), and
    # providers that sign none (Twilio status callbacks) have their ids remembered
    # this many days (inbound STOP/START message ids are kept for good).
    WEBHOOK_MAX_AGE_SECONDS: PositiveInt = 600
    WEBHOOK_ID_RETENTION_DAYS: PositiveInt = 30
    METRICS_TOKEN: str = ""  # bearer token for /metrics; empty: open
    # Log lines as text or JSON objects (each with its request id and notification ids).
    LOG_FORMAT: Literal["text", "json"] = "text"
    # API requests per key, e.g. 600/minute; a key's own limit wins; empty: unlimited.
    API_RATE_LIMIT: RequestRate = ""
    # `make run` seeds the demo workspace on a database that has no contacts yet.
    DEMO: Flag = True

    # Tracking: email opens (a pixel), clicks on links in email, push and SMS.
    TRACK_OPENS: Flag = True
    TRACK_CLICKS: Flag = True
    TRACKING_LINK_DAYS: PositiveInt = 365  # how long a tracked link keeps working
    # A hit this soon after the message was sent is a machine's (a scanner, a proxy).
    TRACKING_MIN_SECONDS: Seconds = 2
    EVENTS_DRAIN_SECONDS: PositiveInt = 2  # how often the events worker stores the hits
    # Conversions and app events count for the contact's last notification this recent.
    ATTRIBUTION_WINDOW_HOURS: PositiveInt = 72

    # The log: how long each table keeps its rows (whole days are dropped; the console's
    # Settings → Data can change these), and where dropped days are archived (empty: not).
    RETENTION_NOTIFICATIONS_DAYS: Annotated[int, Field(ge=1, le=3650)] = 90
    RETENTION_HISTORY_DAYS: Annotated[int, Field(ge=1, le=3650)] = 30
    RETENTION_EVENTS_DAYS: Annotated[int, Field(ge=1, le=3650)] = 400
    LOG_ARCHIVE_DIR: str = ""
    # Console reports, analytics, search and exports read here when set and reachable.
    DATABASE_REPLICA_URL: str = ""

    # Flask's and its extensions' own, passed by code (tests), never read from HERALD_*.
    TESTING: bool = Field(False, json_schema_extra=NO_ENV)
    WTF_CSRF_ENABLED: bool = Field(True, json_schema_extra=NO_ENV)
    # A connection for each of a web worker's threads (the Procfile runs 16) and a few
    # more: past pool_size every checkout opened and closed a connection of its own. No
    # pool_pre_ping: app.extensions checks a connection at checkout without a round trip.
    SQLALCHEMY_ENGINE_OPTIONS: dict = Field({"pool_size": 20},
                                            json_schema_extra=NO_ENV)


class Config(CoreSettings, *settings_groups()):
    """Every setting Herald reads; tests and deployments override through the env."""

    def sandbox_urls(self) -> dict:
        """Return the provider base URLs, for the sandbox banner and tests."""
        return {k: getattr(self, k) for k in type(self).model_fields if k.endswith("_URL")}
