"""API keys: creation, bearer-token authentication, scopes, revocation.

A key reads "hk_<8 chars>_<secret>". The first part is the visible prefix, stored in
clear to find the row; the whole token is stored only as a SHA-256 hash. (A fast hash is
right here: the secret is 256 random bits, nothing a password-cracking rig can guess.)
"""

import hashlib
import hmac
import secrets
import string
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.core.access import audit
from app.core.access.rate_limits import parse_limit
from app.errors import ValidationFailed
from app.models import ApiKey
from app.models.auth import SCOPES
from app.models.types import utcnow

PREFIX_START = "hk_"
PREFIX_LENGTH = len(PREFIX_START) + 8
_ALPHABET = string.ascii_lowercase + string.digits
# last_used_at is written at most this often per key, so busy keys cost no extra writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A process trusts a key it checked for this long; a key revoked elsewhere is refused by
# every process within it (by the revoking process at once).
KEY_CACHE_SECONDS = 5
KEY_CACHE_SIZE = 10_000
# Compared against when the prefix is unknown, so a miss costs as much as a hit.
_DUMMY_HASH = hashlib.sha256(b"herald-timing-equaliser").hexdigest()


# What the audit log keeps of a key (never its hash).
AUDITED_FIELDS = ("name", "prefix", "scopes", "rate_limit", "revoked_at")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_key(session, name: str, scopes: list[str], *, actor,
                   rate_limit: str | None = None) -> tuple[ApiKey, str]:
    """Create a key, audited as the actor's; return the row and the plaintext token, which
    is shown only once. `rate_limit` ("100/second") replaces the default for this key."""
    name = (name or "").strip()
    rate_limit = (rate_limit or "").strip() or None
    errors = []
    if rate_limit is not None:
        try:
            parse_limit(rate_limit)
        except ValueError:
            errors.append({"field": "/rate_limit", "message": "write it as requests/period, "
                           "e.g. 100/second or 6000/minute"})
    if not name or len(name) > 255:
        errors.append({"field": "/name", "message": "give a name of 1 to 255 characters"})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        errors.append({"field": "/scopes", "message": f"choose scopes among {', '.join(SCOPES)}"})
    if errors:
        raise ValidationFailed("The API key is not valid", errors)
    prefix = PREFIX_START + "".join(secrets.choice(_ALPHABET) for _ in range(8))
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=hash_token(token),
        scopes=[s for s in SCOPES if s in scopes],
        rate_limit=rate_limit,
    )
    session.add(key)
    session.flush()
    audit.record(session, actor, "api_key.create", "api_key", key.id,
                 after=audit.snapshot(key, AUDITED_FIELDS))
    return key, token


def authenticate(session, token: str, now: datetime | None = None) -> ApiKey | None:
    """Return the live key a bearer token belongs to, or None; records when it was used."""
    now = now or utcnow()
    prefix = token[:PREFIX_LENGTH]
    well_formed = prefix.startswith(PREFIX_START) and len(prefix) == PREFIX_LENGTH and all(
        c in _ALPHABET for c in prefix.removeprefix(PREFIX_START))  # no NUL reaches the query
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if well_formed else None
    matches = hmac.compare_digest(key.key_hash if key else _DUMMY_HASH, hash_token(token))
    if key is None or not matches or key.revoked_at is not None:
        return None
    _touch(session, key, now)
    return key


@dataclass(frozen=True)
class CheckedKey:
    """A live key as authenticate() found it, detached from any session."""

    id: int
    name: str
    scopes: tuple[str, ...]
    rate_limit: str | None  # the key's own requests/period, else the default applies
    until: float  # time.monotonic() after which it is checked again


_checked: dict[str, CheckedKey] = {}


def authenticate_cached(session, token: str) -> CheckedKey | None:
    """authenticate(), remembered for KEY_CACHE_SECONDS: a busy key costs no query per
    request, and its last use is still written (at most once per LAST_USED_RESOLUTION)."""
    digest = hash_token(token)
    hit = _checked.get(digest)
    if hit is not None and hit.until > time.monotonic():
        return hit
    key = authenticate(session, token)
    if key is None:
        _checked.pop(digest, None)
        return None
    if len(_checked) >= KEY_CACHE_SIZE:
        _checked.clear()
    _checked[digest] = CheckedKey(key.id, key.name, tuple(key.scopes or ()), key.rate_limit,
                                  time.monotonic() + KEY_CACHE_SECONDS)
    return _checked[digest]


def _forget(key_id: int) -> None:
    for digest in [d for d, key in _checked.items() if key.id == key_id]:
        _checked.pop(digest, None)


def _touch(session, key: ApiKey, now: datetime) -> None:
    """Record last use, at most once per LAST_USED_RESOLUTION (the WHERE keeps it so)."""
    stale = now - LAST_USED_RESOLUTION
    if key.last_used_at is not None and key.last_used_at > stale:
        return
    session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id)
        .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= stale))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    key.last_used_at = now


def has_scope(key: ApiKey | CheckedKey, scope: str | tuple[str, ...] | None) -> bool:
    """Return True if the key holds the scope (or any one of a tuple of scopes)."""
    if scope is None:
        return True
    wanted = (scope,) if isinstance(scope, str) else scope
    return any(s in (key.scopes or []) for s in wanted)


def revoke_api_key(session, key_id: int, now: datetime | None = None, *, actor) -> bool:
    """Revoke a key from now on, audited as the actor's; return False if it was already
    revoked or is unknown."""
    key = session.get(ApiKey, key_id)
    before = audit.snapshot(key, AUDITED_FIELDS) if key is not None else None
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        return False
    _forget(key_id)
    audit.record(session, actor, "api_key.revoke", "api_key", key_id, before,
                 audit.snapshot(key, AUDITED_FIELDS))
    return True


def list_api_keys(session) -> list[ApiKey]:
    """Return every key, live ones first, newest first."""
    return list(
        session.scalars(
            select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())
        )
    )
