"""Take an open or click as it happens: one Redis round trip, no database.

The hit is appended raw to a Redis list (the events worker stores and classifies it,
see drain); a click's destination comes from the Redis cache of stored links, read in
the same round trip, and only a cache miss reads the database (given no session, a miss
answers None and appends nothing: the caller asks again with one). While Redis is down a
caller with a session still answers: the destination comes from the database and the hit
is stored there at once, so no hit is lost. An unknown, altered or expired token finds
nothing, so nothing redirects anywhere but to a stored link.
"""
import hashlib
import time
from dataclasses import dataclass

from pydantic_core import to_json
from redis.exceptions import NoScriptError, RedisError
from sqlalchemy import select

from app.core.tracking import tokens
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from app.models import ShortLink, TrackedLink
from app.models.types import utcnow

HITS = "herald:hits"
# Read the destination and append the hit only if there is one: one round trip.
_FOLLOW = """
local url = redis.call('GET', KEYS[1])
if url then redis.call('RPUSH', KEYS[2], ARGV[1]) end
return url
"""
_FOLLOW_SHA = hashlib.sha1(_FOLLOW.encode()).hexdigest()


@dataclass(frozen=True)
class Request:
    """What the endpoint saw of the request."""

    method: str
    ip: str | None
    user_agent: str
    prefetch: bool


def _record(kind: str, seen: Request, **fields) -> bytes:
    # pydantic's serializer (Rust): a seventh of json.dumps's cost, the same compact JSON
    # (non-ASCII as UTF-8 rather than escaped; the drain's json.loads reads both).
    return to_json({"k": kind, "t": time.time(), "method": seen.method, "ip": seen.ip,
                    "user_agent": seen.user_agent, "prefetch": seen.prefetch, **fields})


def open_hit(config, token: str, seen: Request) -> bytes | None:
    """An open's hit, or None when the token is not a genuine, unexpired one."""
    nid = tokens.read_open(config, token)
    return None if nid is None else _record("opened", seen, n=nid)


def click_hit(config, token: str, seen: Request) -> tuple[tokens.Click, bytes] | None:
    """What a click token names and the click's hit, or None when it is not genuine."""
    click = tokens.read_click(config, token)
    if click is None:
        return None
    return click, _record("clicked", seen, n=click.notification_id, l=click.link_id,
                          c=click.links)


def short_hit(code: str, seen: Request) -> tuple[str, bytes] | None:
    """An SMS short link's cache key and the click's hit, or None for no such code."""
    if not tokens.is_short_code(code):
        return None
    return SHORT_KEY.format(code), _record("clicked", seen, s=code)


def record_open(redis, config, token: str, seen: Request, session=None) -> bool:
    """Append an open; False when the token is not a genuine, unexpired one."""
    hit = open_hit(config, token, seen)
    if hit is None:
        return False
    _append(redis, session, config, hit)
    return True


def record_click(redis, session, config, token: str, seen: Request) -> str | None:
    """Append a click and return where it goes: a stored link, "" for the honeypot link,
    None when the token is not genuine or names no stored link."""
    found = click_hit(config, token, seen)
    if found is None:
        return None
    click, hit = found
    if click.link_id == tokens.HONEYPOT:
        _append(redis, session, config, hit)
        return ""
    key = LINK_KEY.format(click.link_id)
    url = _follow(redis, session, key, hit)
    if url is None and session is not None:
        url = session.scalar(select(TrackedLink.url).where(TrackedLink.id == click.link_id))
        _store_missed(redis, session, config, key, url, hit)
    return url


def record_short(redis, session, config, code: str, seen: Request) -> str | None:
    """Append an SMS link click and return its stored destination, else None."""
    found = short_hit(code, seen)
    if found is None:
        return None
    key, hit = found
    url = _follow(redis, session, key, hit)
    if url is None and session is not None:
        url = session.scalar(
            select(TrackedLink.url).join(ShortLink, ShortLink.link_id == TrackedLink.id)
            .where(ShortLink.code == code, ShortLink.expires_at > utcnow()))
        _store_missed(redis, session, config, key, url, hit)
    return url


def _follow(redis, session, key: str, hit: bytes) -> str | None:
    """The cached destination, the hit appended with it; None on a miss (or, given a
    session, while Redis is down: the caller reads the database)."""
    try:  # the script by its digest; sent whole only the first time a Redis sees it
        try:
            url = redis.evalsha(_FOLLOW_SHA, 2, key, HITS, hit)
        except NoScriptError:
            url = redis.eval(_FOLLOW, 2, key, HITS, hit)
    except RedisError:
        if session is None:
            raise
        return None
    return url.decode() if isinstance(url, bytes) else url


def _store_missed(redis, session, config, key: str, url: str | None, hit: bytes) -> None:
    """After a cache miss: cache the destination found and append the hit."""
    if url is None:
        return
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.set(key, url, ex=config.TRACKING_LINK_DAYS * 86400)
            pipe.rpush(HITS, hit)
            pipe.execute()
    except RedisError:
        _store_now(session, config, hit)


def _append(redis, session, config, hit: bytes) -> None:
    try:
        redis.rpush(HITS, hit)
    except RedisError:
        if session is None:
            raise
        _store_now(session, config, hit)


def _store_now(session, config, hit: bytes) -> None:
    """Redis is down: store the hit in the database now, as the drain would have."""
    from app.core.tracking import drain  # drain reads HITS from here

    drain.store(session, config, [hit])
    session.commit()
