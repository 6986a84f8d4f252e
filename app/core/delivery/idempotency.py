"""Idempotent requests: a repeat within the TTL replays the first response, sends nothing.

A request may carry several keys (an Idempotency-Key header and an event id): each one
is claimed, and a repeat of any of them is a repeat of the request. Keys are per owner: an
API key, or an operator (the console's test send). Each row is inserted in the same
transaction as the work it guards, so the unique constraint (owner, key) decides races
and a rolled-back request leaves no key behind. A short Redis lock turns a concurrent
duplicate into a quick 409 instead of a wait on the row lock; without Redis the
constraint still holds.
"""

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import delete, select, update

from app.core.db import dialect_insert
from app.errors import Conflict, ValidationFailed
from app.models import IdempotencyKey
from app.models.types import utcnow

MAX_KEY_LENGTH = 255
LOCK_SECONDS = 60
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class KeyReused(ValidationFailed):
    title = "Idempotency key reused"


class RequestInFlight(Conflict):
    title = "Request in flight"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict


def request_keys(header: str | None, event_id: str | None) -> list[str]:
    """Return the keys that identify a request: the header's, and one for the event id."""
    keys = (header, f"event:{event_id}" if event_id else None)
    return list(dict.fromkeys(key for key in keys if key))


def fingerprint(method: str, path: str, body) -> str:
    """Hash a request so a reused key with a different request can be told apart."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _owner(owner) -> dict:
    """{column: id} of whose keys these are: an API key id, or an audit Actor."""
    kind, id_ = ("api_key", owner) if isinstance(owner, int) else (owner.kind, owner.id)
    return {"operator_id": id_} if kind == "operator" else {"api_key_id": id_}


def _lock_key(owner, key: str) -> str:
    column, id_ = next(iter(_owner(owner).items()))
    scope = f"op{id_}" if column == "operator_id" else str(id_)
    return f"herald:idem:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"


def lock(redis, owner, key: str) -> str | None:
    """Mark the key in flight; raise RequestInFlight if it already is.

    Returns the token unlock() needs, or None when Redis is unreachable.
    """
    token = uuid.uuid4().hex
    try:
        taken = redis.set(_lock_key(owner, key), token, nx=True, ex=LOCK_SECONDS)
    except RedisError:
        return None
    if not taken:
        raise RequestInFlight("A request with this idempotency key is being processed")
    return token


def unlock(redis, owner, key: str, token: str | None) -> None:
    """Release a lock taken by lock(), unless it expired and someone else holds it."""
    if token is None:
        return
    with contextlib.suppress(RedisError):  # else the lock expires by itself
        redis.eval(_UNLOCK, 1, _lock_key(owner, key), token)


@contextlib.contextmanager
def locked(redis, owner, keys: list[str]):
    """Hold lock() on every key for the block; release the ones taken, whatever happens."""
    taken = []
    try:
        for key in keys:
            taken.append((key, lock(redis, owner, key)))
        yield
    finally:
        for key, token in taken:
            unlock(redis, owner, key, token)


def claim_all(session, owner, keys: dict[str, dict], request_hash: str,
              ttl_seconds: int, now: datetime | None = None) -> StoredResponse | None:
    """claim() each key ({key: its field for errors}); return the first stored response.

    A request runs only if every key is new: a key already used replays its response
    (the caller rolls back the keys claimed before it) or raises as claim() does.
    """
    for key, field in keys.items():
        stored = claim(session, owner, key, request_hash, ttl_seconds, now, field)
        if stored is not None:
            return stored
    return None


def claim(
    session,
    owner,
    key: str,
    request_hash: str,
    ttl_seconds: int,
    now: datetime | None = None,
    field: dict | None = None,
) -> StoredResponse | None:
    """Claim a key for this request; return the stored response if it already ran.

    Raises KeyReused (422) for the same key with a different request, RequestInFlight
    (409) if the first request has not finished. An expired key is claimed afresh.
    `field` names where the key came from, for the 422's field error.
    """
    now = now or utcnow()
    match = (*_matches(owner), IdempotencyKey.key == key)
    session.execute(
        delete(IdempotencyKey)
        .where(*match, _expired(now))
        .execution_options(synchronize_session=False)
    )
    inserted = session.scalar(
        dialect_insert(session, IdempotencyKey)
        .values(**_owner(owner), key=key, request_hash=request_hash, created_at=now,
                expires_at=now + timedelta(seconds=ttl_seconds))
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.id)
    )
    if inserted is not None:
        return None
    row = session.scalar(select(IdempotencyKey).where(*match))
    if row.request_hash != request_hash:
        raise KeyReused(
            "This idempotency key was used for a different request",
            [{**(field or {"field": "Idempotency-Key", "in": "header"}),
              "message": "already used with a different request"}],
        )
    if row.status_code is None:
        raise RequestInFlight("A request with this idempotency key is being processed")
    return StoredResponse(row.status_code, row.response)


def store(session, owner, key: str, status: int, body: dict) -> None:
    """Record the response of a claimed key, in the transaction that did the work."""
    session.execute(
        update(IdempotencyKey)
        .where(*_matches(owner), IdempotencyKey.key == key)
        .values(status_code=status, response=body)
        .execution_options(synchronize_session=False)
    )


def _matches(owner) -> list:
    return [getattr(IdempotencyKey, column) == id_ for column, id_ in _owner(owner).items()]


def _expired(now: datetime):
    """A key is spent from its expiry instant on (the one comparison claim and purge share)."""
    return IdempotencyKey.expires_at <= now


def purge_expired(session, now: datetime | None = None) -> int:
    """Delete expired keys (housekeeping; claim() ignores them anyway); return how many."""
    result = session.execute(
        delete(IdempotencyKey)
        .where(_expired(now or utcnow()))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
