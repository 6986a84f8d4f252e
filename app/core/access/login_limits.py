"""Sign-in limits per IP (Redis) and per account (database).

An attempt takes its place in both counters before its password is checked, and is
checked only if it got one: argon2 is deliberately slow, so parallel guesses that read
a counter first and counted their failure afterwards would all see it under the limit.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis import RedisError
from sqlalchemy import case, func, literal, null, or_, update

from app.models import Operator
from app.models.types import UTCDateTime


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lockout_seconds: int = 900
    ip_max_failures: int = 20


# Take a place if fewer than ARGV[1] are taken; each taken place keeps the window open
# ARGV[2] seconds more. Refused attempts take nothing, so they neither count nor extend.
_TAKE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""
# Give a place back (a sign-in that succeeded was no guess); never below zero.
_GIVE_BACK = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def ip_key(ip: str) -> str:
    return f"herald:login:ip:{ip}"


def take_ip_attempt(redis, ip: str, policy: LoginPolicy) -> bool:
    """Count an attempt from `ip`; False when the IP already used its attempts."""
    try:
        return bool(redis.eval(_TAKE, 1, ip_key(ip), policy.ip_max_failures,
                               policy.lockout_seconds))
    except RedisError:
        return True  # fail open: the per-account lockout, in the database, still applies


def give_back_ip_attempt(redis, ip: str) -> None:
    """Uncount a successful sign-in, so an office behind one address is not blocked."""
    with contextlib.suppress(RedisError):  # else it expires with the window
        redis.eval(_GIVE_BACK, 1, ip_key(ip))


def take_account_attempt(session, operator_id: int, policy: LoginPolicy,
                         now: datetime) -> int | None:
    """Count an attempt on the account; return its number, or None while it is locked.

    One UPDATE, so parallel attempts each get their own number. An expired lock starts a
    new count; the attempt that reaches the limit locks the account at once (if its
    password is right, signing in unlocks it). Attempts while locked do not extend the
    lock, so nobody can keep an account locked longer than a window at a time.
    """
    fresh = or_(Operator.locked_until.is_(None), Operator.locked_until <= now)
    attempt = case((Operator.locked_until.is_(None),
                    func.coalesce(Operator.failed_logins, 0) + 1), else_=1)
    lock_until = literal(now + timedelta(seconds=policy.lockout_seconds), UTCDateTime)
    statement = (
        update(Operator)
        .where(Operator.id == operator_id, fresh)
        .values(failed_logins=attempt,
                locked_until=case((attempt >= policy.max_failures, lock_until), else_=null()))
        .returning(Operator.failed_logins)
        .execution_options(synchronize_session=False)
    )
    return session.scalar(statement)
