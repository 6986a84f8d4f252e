"""Provider settings stored from the console, laid over the environment's.

Which settings an operator may store is each provider's own `Settings` group (files on
the machine and the web push address allow-lists excepted: those stay with whoever runs
the machine). A setting whose HERALD_* variable is set in the environment is never taken
from the store: the environment wins, and the console says so. Secrets (fields marked
SECRET) are shown by their last 4 characters only, in the page and in the audit log.

A change bumps a version in Redis; each process (web, workers) reads the stored values
again when the version it last saw differs, so workers pick a change up at their next
batch, and at their first after a start.
"""
import logging
import os
from dataclasses import dataclass
from typing import Literal, get_origin
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from sqlalchemy import delete, select

from app.channels.registry import PROVIDERS, settings_group
from app.core.access import audit
from app.core.ops import startup
from app.core.ops.system import mask
from app.core.providers.sealing import InvalidToken, open_sealed, reseal, seal
from app.errors import ValidationFailed
from app.models import ProviderAccount
from app.settings import SECRET, ConfigurationError, variable

log = logging.getLogger(__name__)

VERSION_KEY = "herald:providers:version"
MAX_VALUE = 4096  # one setting's stored value, in characters


@dataclass(frozen=True)
class Setting:
    name: str  # the Config attribute, e.g. TWILIO_AUTH_TOKEN
    variable: str  # HERALD_TWILIO_AUTH_TOKEN
    secret: bool

    @property
    def in_environment(self) -> bool:
        return self.variable in os.environ


def editable(provider: str) -> list[Setting]:
    """The settings of a provider an operator may store (text, numbers and choices)."""
    fields = settings_group(provider).model_fields
    return [Setting(name, variable(name, field), SECRET in field.metadata)
            for name, field in fields.items()
            if not name.endswith("_FILE") and not name.startswith("WEBPUSH_")
            and (field.annotation in (str, int) or get_origin(field.annotation) is Literal)]


def shown(setting: Setting, value) -> str:
    return mask(value) if setting.secret else str(value if value is not None else "")


def stored_values(session, config) -> dict[str, dict]:
    """{provider: {setting: value}} as stored; a row no configured key opens is skipped."""
    found = {}
    for row in session.scalars(select(ProviderAccount)):
        try:
            found[row.provider] = open_sealed(config, row.sealed)
        except InvalidToken:
            log.error("stored settings of %s cannot be opened with HERALD_ENCRYPTION_KEY; "
                      "they are ignored", row.provider)
    return found


def overlay(config, stored: dict[str, dict]):
    """The config with stored values for every setting the environment does not set."""
    values = {}
    for provider, stored_here in stored.items():
        if provider not in PROVIDERS:
            continue
        allowed = {s.name for s in editable(provider) if not s.in_environment}
        values.update((k, v) for k, v in stored_here.items() if k in allowed)
    if not values:
        return config
    return type(config)(**{**vars(config), **values})


def save(session, config, provider: str, changes: dict[str, str], actor) -> list[str]:
    """Store a provider's settings (in the caller's transaction); return the changed names.

    An empty value forgets the stored one (the default or environment applies again),
    except for a secret, where empty keeps what is stored. Raises ValidationFailed with
    one entry per field that is invalid, or that the environment sets.
    """
    settings = {s.name: s for s in editable(provider)}
    row = session.get(ProviderAccount, provider)
    before = _opened(config, row)
    after, errors = dict(before), []
    for name, raw in changes.items():
        setting = settings.get(name)
        raw = (raw or "").strip()
        if setting is None:
            errors.append({"field": name, "message": "is not a setting of this provider"})
        elif setting.in_environment:
            if raw:
                errors.append({"field": name, "message": f"is set by {setting.variable} in "
                                                         "the environment, which wins"})
        elif len(raw) > MAX_VALUE:
            errors.append({"field": name, "message": f"is longer than {MAX_VALUE} characters"})
        elif raw and name.endswith("_URL") and not _web_address(raw):
            errors.append({"field": name, "message": "must be an http or https address, "
                                                     "e.g. https://api.example.com"})
        elif raw:
            after[name] = raw
        elif not setting.secret:
            after.pop(name, None)
    errors += _problems(config, provider, before, after, settings)
    if errors:
        raise ValidationFailed("Check the highlighted settings", errors)
    changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
    if not changed:
        return []
    if row is None:
        row = ProviderAccount(provider=provider, sealed="")
        session.add(row)
    row.sealed, row.updated_by = seal(config, after), audit.Actor.of(actor).name
    audit.record(session, actor, "provider.settings", "provider", provider,
                 _masked(settings, before, changed), _masked(settings, after, changed))
    return changed


def forget(session, config, provider: str, actor) -> bool:
    """Delete every stored value of a provider (the environment's apply again)."""
    row = session.get(ProviderAccount, provider)
    if row is None:
        return False
    settings = {s.name: s for s in editable(provider)}
    before = _opened(config, row)
    session.execute(delete(ProviderAccount).where(ProviderAccount.provider == provider))
    audit.record(session, actor, "provider.forget", "provider", provider,
                 _masked(settings, before, sorted(before)), None)
    return True


def rotate(session, config) -> int:
    """Seal every stored row again with the first key; return how many."""
    rows = list(session.scalars(select(ProviderAccount)))
    for row in rows:
        row.sealed = reseal(config, row.sealed)
    return len(rows)


def announce(redis) -> None:
    """Tell every process the stored settings changed (after the caller committed)."""
    try:
        redis.incr(VERSION_KEY)
    except RedisError as exc:  # processes read the store again when they start
        log.warning("could not announce changed provider settings: %s", exc)


def _web_address(value: str) -> bool:
    parts = urlsplit(value if "//" in value else f"https://{value}")  # Vonage: a bare host
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _opened(config, row) -> dict:
    if row is None:
        return {}
    try:
        return open_sealed(config, row.sealed)
    except InvalidToken:
        return {}  # sealed with a key no longer configured: saving starts afresh


def _masked(settings: dict, values: dict, names: list[str]) -> dict:
    return {n: shown(settings[n], values.get(n)) if n in settings else "" for n in names}


def _problems(config, provider, before: dict, after: dict, settings: dict) -> list[dict]:
    """What the settings would make wrong: bad values, and start-up problems they add."""
    by_variable = {s.variable: s.name for s in settings.values()}
    try:
        then = overlay(config, {provider: before})
        now = overlay(config, {provider: after})
    except ConfigurationError as exc:
        return [{"field": by_variable.get(p.setting, p.setting),
                 "message": p.message} for p in exc.problems]
    known = {str(p) for p in startup.problems(then)}
    return [{"field": by_variable[p.setting], "message": p.message}
            for p in startup.problems(now)
            if p.fatal and p.setting in by_variable and str(p) not in known]


class ProviderSettings:
    """One process's effective config: the base with the stored values laid over it,
    read again whenever the version in Redis changes."""

    def __init__(self, base):
        self.base = base
        self._config = base
        self._version: object = object()  # never equal to a stored version: read at first

    def current(self, session, redis):
        try:
            version = redis.get(VERSION_KEY)
        except RedisError:
            return self._config  # keep what we have; Redis is back soon
        if version != self._version:
            try:
                self._config = overlay(self.base, stored_values(session, self.base))
            except ConfigurationError as exc:
                log.error("stored provider settings are not usable, ignored: %s", exc)
                self._config = self.base
            self._version = version
        return self._config
