"""What must hold before a process starts: where the sandbox is, and what production refuses.

The sandbox listens on its own HERALD_SANDBOX_* host and ports and is needed only when a
provider in use points there. HERALD_ENV=production turns everything that works only
against the sandbox (its addresses, public development credentials, a missing key file,
links to this machine) into start-up errors, each naming the setting to change; what
merely deserves a look is a warning. A value of the wrong type or shape is refused before
this, when Config loads (app.settings).
"""
import ipaddress
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from app.channels.push.fcm_settings import fcm_project_id
from app.channels.registry import PROVIDERS, channel_of, provider_chain, settings_group
from app.settings import ConfigurationError, Problem, is_public_default

log = logging.getLogger(__name__)

PUSH_PROVIDERS = ("fcm", "apns", "webpush")  # every push provider serves its devices
MIN_SECRET_KEY_LENGTH = 32
DEFAULT_PORTS = {"http": 80, "https": 443}


def check(config) -> list[Problem]:
    """Raise ConfigurationError on fatal problems; log and return the warnings."""
    found = problems(config)
    fatal = [p for p in found if p.fatal]
    if fatal:
        raise ConfigurationError(fatal)
    warnings = [p for p in found if not p.fatal]
    for problem in warnings:
        log.warning("settings: %s", problem)
    return warnings


def load_or_exit(load: Callable, status: int = 2):
    """For entry points: load the settings (Config) and check them; on a problem print
    what to change and exit, rather than a traceback."""
    try:
        config = load()
        check(config)
    except ConfigurationError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(status) from None
    return config


def problems(config) -> list[Problem]:
    """Every problem with the settings: always the inconsistent ones, and in production
    mode whatever would send to the sandbox, with public credentials or insecurely."""
    found = _consistency(config)
    if config.ENV == "production":
        found += _production(config)
    return found


def providers_in_use(config) -> list[str]:
    """Push providers (JPush once its app key is set), then the SMS and email chains."""
    push = [*PUSH_PROVIDERS, *(["jpush"] if config.JPUSH_APP_KEY else [])]
    return [*push, *provider_chain("sms", config), *provider_chain("email", config)]


def providers_on_sandbox(config) -> list[str]:
    """The providers in use whose endpoint is one of the sandbox's addresses."""
    return [name for name in providers_in_use(config)
            if name in PROVIDERS and _on_sandbox(config, endpoint(config, name))]


def sandbox_needed(config) -> bool:
    return bool(providers_on_sandbox(config))


def endpoint(config, provider: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) a provider connects to; None when each message says (web push)."""
    if provider == "smtp":
        return "smtp", config.SMTP_HOST, config.SMTP_PORT
    setting = settings_group(provider).endpoint
    if setting is None:
        return None
    url = getattr(config, setting)
    parts = urlsplit(url if "//" in url else f"https://{url}")  # Vonage takes a bare host
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # not a number: cannot be the sandbox's
        port = None
    return parts.scheme, parts.hostname or "", port


def is_local(host: str) -> bool:
    """Whether a host name or address means this machine."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _on_sandbox(config, where: tuple | None) -> bool:
    if where is None:
        return False
    _, host, port = where
    ports = {config.SANDBOX_HTTP_PORT, config.SANDBOX_TLS_PORT, config.SANDBOX_SMTP_PORT}
    return port in ports and _same_host(host, config.SANDBOX_HOST)


def _same_host(a: str, b: str) -> bool:
    a, b = (a or "").lower(), (b or "").lower()
    return a == b or (is_local(a) and is_local(b))


def _consistency(config) -> list[Problem]:
    """Settings that contradict each other or name nothing known, in any mode."""
    found = []
    for channel in ("sms", "email"):
        unknown = [n for n in provider_chain(channel, config) if n not in PROVIDERS]
        if unknown:
            found.append(Problem(f"HERALD_{channel.upper()}_PROVIDERS",
                                 f"names unknown providers {unknown}"))
    try:
        fcm_project_id(config)
    except ConfigurationError as exc:
        found += exc.problems
    return found


def _production(config) -> list[Problem]:
    in_use = [name for name in providers_in_use(config) if name in PROVIDERS]
    found = _secret_and_links(config)
    for name in in_use:
        found += _endpoint(config, name) + _credentials(config, name)
    found += _web_push(config) + _smtp(config)
    if "sendgrid" in in_use and not config.SENDGRID_WEBHOOK_PUBLIC_KEY:
        found.append(Problem("HERALD_SENDGRID_WEBHOOK_PUBLIC_KEY", "is empty: SendGrid's "
                             "delivery and bounce events will be refused", fatal=False))
    if not config.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        found.append(Problem("HERALD_DATABASE_URL", "is not PostgreSQL: one machine at most",
                             fatal=False))
    return found


def _secret_and_links(config) -> list[Problem]:
    found = []
    if is_public_default(config, "SECRET_KEY"):
        found.append(Problem("HERALD_SECRET_KEY", "is the public development value: set a "
                             "long random one (python -c 'import secrets; "
                             "print(secrets.token_urlsafe(48))')"))
    elif len(config.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        found.append(Problem("HERALD_SECRET_KEY",
                             f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"))
    if is_local(urlsplit(config.BASE_URL).hostname or ""):
        found.append(Problem("HERALD_BASE_URL", f"is {config.BASE_URL}: links in messages and "
                             "provider webhooks would point at this machine; set the public URL"))
    if not config.ENCRYPTION_KEY:
        found.append(Problem("HERALD_ENCRYPTION_KEY", "is empty: provider settings stored in "
                             "the console are sealed with a key derived from "
                             "HERALD_SECRET_KEY; set Fernet keys of their own", fatal=False))
    if not config.METRICS_TOKEN:
        found.append(Problem("HERALD_METRICS_TOKEN", "is empty: /metrics is open to anyone",
                             fatal=False))
    return found


def _endpoint(config, name: str) -> list[Problem]:
    """Where a provider in use sends: never the sandbox, never plain http across a network."""
    where = endpoint(config, name)
    if where is None:
        return []
    scheme, host, port = where
    setting = f"HERALD_{settings_group(name).endpoint or 'SMTP_HOST'}"
    if _on_sandbox(config, where):
        chain = f"HERALD_{channel_of(name).upper()}_PROVIDERS"
        drop = f", or drop {name} from {chain}" if name not in PUSH_PROVIDERS else ""
        if name == "jpush":
            drop = ", or empty HERALD_JPUSH_APP_KEY to stop using JPush"
        return [Problem(setting, f"points at the sandbox ({host}:{port}): set it to "
                        f"{settings_group(name).real_endpoint}{drop}")]
    if scheme == "http" and not is_local(host):
        return [Problem(setting, "is plain http: credentials would cross the network "
                        "unencrypted; use https")]
    if scheme != "smtp" and is_local(host):  # a local mail relay is usual; a local API not
        return [Problem(setting, "points at this machine", fatal=False)]
    return []


def _credentials(config, name: str) -> list[Problem]:
    """A provider in use has its key file and no public sandbox credential."""
    found = []
    group = settings_group(name)
    key_file = group.key_file
    if key_file:
        path = getattr(config, key_file)
        if not path or not Path(path).is_file() or not os.access(path, os.R_OK):
            found.append(Problem(f"HERALD_{key_file}", f"is {'unreadable' if path else 'unset'}"
                                 f": {name} needs it (only the sandbox accepts sends without)"))
    for secret in group.credentials:
        if is_public_default(config, secret):
            found.append(Problem(f"HERALD_{secret}", "is the sandbox's public default"))
    if name == "apns" and len(config.APNS_TEAM_ID) != 10:
        found.append(Problem("HERALD_APNS_TEAM_ID", "is not 10 characters, as Apple's are"))
    return found


def _web_push(config) -> list[Problem]:
    found = []
    local = [h for h in config.WEBPUSH_ALLOWED_HOSTS
             if is_local(h) or _same_host(h, config.SANDBOX_HOST)]
    if local:
        found.append(Problem("HERALD_WEBPUSH_ALLOWED_HOSTS", f"includes {local}: a subscription "
                             "could make Herald post to this machine; list push services only"))
    if config.WEBPUSH_PRIVATE_ORIGINS:
        found.append(Problem("HERALD_WEBPUSH_PRIVATE_ORIGINS", "is set: subscriptions could make "
                             "Herald post to private addresses; set it empty in production"))
    if is_public_default(config, "VAPID_SUBJECT"):
        found.append(Problem("HERALD_VAPID_SUBJECT", "is the example contact: push services "
                             "write to it about problems", fatal=False))
    if not config.VAPID_PRIVATE_KEY:
        found.append(Problem("HERALD_VAPID_PRIVATE_KEY", "is empty: each node makes its own key "
                             "file unless HERALD_VAPID_KEY_FILE is shared", fatal=False))
    return found


def _smtp(config) -> list[Problem]:
    if "smtp" not in provider_chain("email", config) or is_local(config.SMTP_HOST):
        return []
    if config.SMTP_TLS == "none" and config.SMTP_USERNAME:
        return [Problem("HERALD_SMTP_TLS", "is none: the SMTP password would cross the network "
                        "unencrypted")]
    if config.SMTP_TLS == "auto" and config.SMTP_PORT != 465:
        return [Problem("HERALD_SMTP_TLS", "is auto: mail goes unencrypted when the relay does "
                        "not offer STARTTLS; set starttls (or implicit)", fatal=False)]
    return []
