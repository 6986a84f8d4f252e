"""Rules checked before every send: suppressions, preferences, quiet hours, rate limits.

Each check works on a whole batch (one query or one Redis pipeline), never per row.
"""

import hashlib
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from redis.exceptions import NoScriptError
from sqlalchemy import and_, or_, select

from app.core.db import one_of
from app.models import Category, Device, Preference, Suppression
from app.models.contacts import CHANNELS

# An exact sliding-window limit, atomic per key: drop entries older than the window,
# admit and record the hit only while fewer than `limit` remain.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(ARGV[2] * 1000))
  return 1
end
return 0
"""
_SLIDING_WINDOW_SHA = hashlib.sha1(_SLIDING_WINDOW.encode()).hexdigest()


def suppressed_addresses(session, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return the (channel, address) pairs that are on the suppression list."""
    if not pairs:
        return set()
    return {(channel, address) for channel, address in session.execute(
        _suppressions_of(session, pairs))}


def _suppressions_of(session, pairs: set[tuple[str, str]]):
    """The suppressions of the pairs: per channel an array of addresses on PostgreSQL."""
    by_channel: dict[str, list[str]] = {}
    for channel, address in pairs:
        by_channel.setdefault(channel, []).append(address)
    return select(Suppression.channel, Suppression.address).where(or_(*(
        and_(Suppression.channel == channel, one_of(session, Suppression.address, addresses))
        for channel, addresses in by_channel.items())))


def still_blocked(session, rows, now: datetime | None = None) -> dict:
    """Return {row id: reason} for claimed rows that must not go out any more.

    A row can wait for hours (send_at, quiet hours, retries): since it was accepted the
    address may have been suppressed (STOP, bounce), the device unregistered or
    deactivated, the contact opted out of a non-critical category, or the row expired
    (nothing is delivered after its expires_at). Three queries.
    """
    blocked = {r.id: "expired" for r in rows
               if now is not None and getattr(r, "expires_at", None) and r.expires_at <= now}
    bad = suppressed_addresses(session, {(r.channel, r.address) for r in rows if r.address})
    if bad:
        blocked.update({r.id: "suppressed_address" for r in rows
                        if r.id not in blocked and (r.channel, r.address) in bad})
    device_ids = {r.device_id for r in rows if r.device_id and r.id not in blocked}
    if device_ids:
        dead = set(session.scalars(
            select(Device.id).where(one_of(session, Device.id, list(device_ids)),
                                    Device.active.is_(False))
        ))
        blocked.update({r.id: "device_inactive" for r in rows if r.device_id in dead})
    waiting: dict[str, list] = {}
    # Usually nothing is blocked yet: then no row's id is hashed (a uuid hashes in Python).
    for row in [r for r in rows if r.id not in blocked] if blocked else rows:
        if row.contact_id is not None:
            waiting.setdefault(row.category, []).append(row)
    if waiting:
        for category in session.scalars(
            select(Category).where(Category.key.in_(waiting), Category.critical.is_(False))
        ):
            group = waiting[category.key]
            out = opted_out(session, category, list({r.contact_id for r in group}))
            if out:
                blocked.update({r.id: "opted_out" for r in group
                                if (r.contact_id, r.channel) in out})
    return blocked


def opted_out(session, category: Category, contact_ids: list[int]) -> set[tuple[int, str]]:
    """Return the (contact_id, channel) pairs that do not receive this category."""
    rows = session.execute(
        select(Preference.contact_id, Preference.channel, Preference.opted_in).where(
            Preference.category_id == category.id,
            one_of(session, Preference.contact_id, contact_ids)
        )
    ).all()
    return _out(category, contact_ids, rows)


def _out(category: Category, contact_ids: list[int], rows) -> set[tuple[int, str]]:
    """Opted-out pairs, from the (contact, channel, opted in) choices of the contacts."""
    explicit = {(cid, channel): opted_in for cid, channel, opted_in in rows}
    if category.default_opt_in:  # only a choice can keep a contact out: the choices alone
        return {key for key, opted_in in explicit.items() if chose_out(True, opted_in)}
    return {(cid, channel) for cid in contact_ids for channel in CHANNELS
            if chose_out(False, explicit.get((cid, channel)))}


def chose_out(default_opt_in: bool, opted_in: bool | None) -> bool:
    """Whether a contact's choice on a channel keeps a category from it: a "no", or no
    "yes" to an opt-in-only category."""
    return not default_opt_in if opted_in is None else not opted_in


def quiet_window(config, category) -> tuple[int, int] | None:
    """The quiet hours a category's messages wait out (None: critical, or not quiet)."""
    if category is None or category.critical or not category.quiet_hours:
        return None
    return config.QUIET_HOURS


def quiet_until(at: datetime, timezone: str | None, window: tuple[int, int] | None):
    """Return when the quiet window around `at` ends (UTC), or None if not quiet.

    The window is (start, end) in minutes after midnight, as HERALD_QUIET_HOURS loads.
    """
    if window is None:
        return None
    local = at.astimezone(ZoneInfo(timezone or "UTC"))
    minute = local.hour * 60 + local.minute
    start, end = window
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    end_local = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if end_local <= local:
        end_local += timedelta(days=1)
    return end_local.astimezone(at.tzinfo)


def rate_limit_key(category: str, channel: str, contact_id: int) -> str:
    return f"herald:rl:{category}:{channel}:{contact_id}"


def admit(redis, hits: list[tuple[str, int, int]], now: float | None = None,
          send: str | None = None) -> list[bool]:
    """Count one send per (key, limit, per_seconds) and say which ones are within limits.

    `send` names what is counted (one name for keys of one send; each hit is its own send
    without it): a send already counted under a key within its window (the same request
    run again, as after its group commit failed) is admitted without being counted twice.
    One round trip for the whole batch; each key's check-and-record is atomic in Redis.
    """
    if not hits:
        return []
    now = now if now is not None else time.time()
    calls = [(key, now, per_seconds, limit, send or uuid.uuid4().hex)
             for key, limit, per_seconds in hits]
    try:
        return _sliding_window(redis, calls)
    except NoScriptError:  # a Redis that has not seen the script yet (new, restarted)
        redis.script_load(_SLIDING_WINDOW)
        # Run again as they were: a hit counted before the error is found by its name.
        return _sliding_window(redis, calls)


def _sliding_window(redis, calls: list[tuple]) -> list[bool]:
    """The script by its digest, once per call, in one round trip. (redis-py's Script
    on a pipeline asks SCRIPT EXISTS first: a second round trip for every send.)"""
    if len(calls) == 1:
        key, *args = calls[0]
        return [bool(redis.evalsha(_SLIDING_WINDOW_SHA, 1, key, *args))]
    with redis.pipeline(transaction=False) as pipe:
        for key, *args in calls:
            pipe.evalsha(_SLIDING_WINDOW_SHA, 1, key, *args)
        return [bool(result) for result in pipe.execute()]


def limit_for(category: Category, channel: str, config) -> tuple[int, int] | None:
    """Return (limit, per_seconds) for a category and channel, or None for no limit.

    The category's own setting wins; HERALD_DEFAULT_RATE_LIMIT ("push=10/3600,sms=...")
    applies to every other non-critical category.
    """
    own = (category.rate_limits or {}).get(channel)
    if own:
        return int(own["limit"]), int(own["per_seconds"])
    return config.DEFAULT_RATE_LIMIT.get(channel)
