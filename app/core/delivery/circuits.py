"""Circuit breakers per provider, shared by every worker through Redis.

A circuit opens after CIRCUIT_FAILURES transient failures in a row, or when transient
failures pass CIRCUIT_ERROR_RATE of at least CIRCUIT_MIN_REQUESTS sends in one window of
CIRCUIT_WINDOW_SECONDS. While open, sends skip the provider (failover takes the next one
in the chain). After CIRCUIT_COOLDOWN_SECONDS one worker, and only one, sends a probe
(half-open); its success closes the circuit, its failure opens it for another cool-down.

Each move is one Lua script, atomic across workers; the clock is the caller's (`now`,
seconds), so tests can move time. Permanent errors do not count: the provider answered.
"""
import logging
import time
from dataclasses import dataclass

from app.channels.base import RateLimited, SendResult, TransientError
from app.core.ops import alerts

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN, PROBE = "closed", "open", "half_open", "probe"
PREFIX = "herald:circuit:"
# Errors Herald makes up itself: they say nothing about the provider's health.
OWN_CODES = {"circuit_open", "rate_wait"}

# KEYS[1] circuit hash, KEYS[2] probe lock; ARGV now, cool-down.
ALLOW = """
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return 'closed' end
local now = tonumber(ARGV[1])
if state == 'open' then
  if now < tonumber(redis.call('HGET', KEYS[1], 'opened_at') or 0) + tonumber(ARGV[2]) then
    return 'open'
  end
  redis.call('HSET', KEYS[1], 'state', 'half_open')
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', math.ceil(tonumber(ARGV[2]) * 1000)) then
  return 'probe'
end
return 'open'
"""

# KEYS[1] circuit hash, KEYS[2] probe lock; ARGV now, ok, failed, failures in a row,
# window seconds, minimum sends, error rate. Returns {state, opened now (0/1)}.
RECORD = """
local now, ok, failed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local c = KEYS[1]
local state = redis.call('HGET', c, 'state') or 'closed'
local function open()
  redis.call('HSET', c, 'state', 'open', 'opened_at', now, 'in_a_row', 0,
             'window_start', now, 'window_ok', 0, 'window_failed', 0)
  redis.call('HINCRBY', c, 'opened', 1)
  redis.call('DEL', KEYS[2])
  return {'open', 1}
end
if state ~= 'closed' then
  if failed > 0 then return open() end
  if ok > 0 then
    redis.call('HSET', c, 'state', 'closed', 'in_a_row', 0, 'window_start', now,
               'window_ok', ok, 'window_failed', 0)
    redis.call('DEL', KEYS[2])
    return {'closed', 0}
  end
  return {state, 0}
end
local start = tonumber(redis.call('HGET', c, 'window_start'))
if start == nil or now - start >= tonumber(ARGV[5]) then
  redis.call('HSET', c, 'window_start', now, 'window_ok', 0, 'window_failed', 0)
end
local w_ok = redis.call('HINCRBY', c, 'window_ok', ok)
local w_failed = redis.call('HINCRBY', c, 'window_failed', failed)
local in_a_row
if ok > 0 then
  in_a_row = 0
  redis.call('HSET', c, 'in_a_row', 0)
else
  in_a_row = redis.call('HINCRBY', c, 'in_a_row', failed)
end
local total = w_ok + w_failed
if in_a_row >= tonumber(ARGV[4])
   or (total >= tonumber(ARGV[6]) and w_failed >= tonumber(ARGV[7]) * total) then
  return open()
end
return {'closed', 0}
"""


@dataclass(frozen=True)
class Circuit:
    provider: str
    state: str
    opened_at: float | None
    opened: int  # times it has opened


def counts_against(result: SendResult) -> bool:
    """Whether a result says the provider is failing (transient, not one of ours)."""
    error = result.error
    return isinstance(error, TransientError) and error.code not in OWN_CODES


class Breakers:
    """The circuits of every provider, in one Redis, for one config."""

    def __init__(self, redis, config, clock=time.time):
        self.redis, self.config, self.clock = redis, config, clock
        self._allow = redis.register_script(ALLOW)
        self._record = redis.register_script(RECORD)

    def _keys(self, provider: str) -> list[str]:
        return [f"{PREFIX}{provider}", f"{PREFIX}{provider}:probe"]

    def allow(self, provider: str) -> str:
        """CLOSED: send; PROBE: send one message to test the provider; OPEN: skip it."""
        return self._allow(self._keys(provider),
                           [self.clock(), self.config.CIRCUIT_COOLDOWN_SECONDS]).decode()

    def record(self, provider: str, results: list[SendResult]) -> str:
        """Count a batch's answers; return the circuit's state after them."""
        failed = sum(map(counts_against, results))
        ok = sum(1 for r in results if r.error is None or not isinstance(r.error, TransientError))
        if not failed and not ok:
            return self.state(provider).state
        c = self.config
        state, opened = self._record(self._keys(provider), [
            self.clock(), ok, failed, c.CIRCUIT_FAILURES, c.CIRCUIT_WINDOW_SECONDS,
            c.CIRCUIT_MIN_REQUESTS, c.CIRCUIT_ERROR_RATE])
        if opened:
            rate_limited = sum(isinstance(r.error, RateLimited) for r in results)
            log.warning("circuit of %s opened after %d failed sends (%d rate limited)",
                        provider, failed, rate_limited)
            alerts.raise_alert(self.redis, self.config, "circuit_open", {
                "provider": provider, "count": failed,
                "cooldown_seconds": self.config.CIRCUIT_COOLDOWN_SECONDS})
        return state.decode()

    def state(self, provider: str) -> Circuit:
        stored = self.redis.hgetall(self._keys(provider)[0])
        found = {k.decode(): v.decode() for k, v in stored.items()}
        opened_at = found.get("opened_at")
        return Circuit(provider, found.get("state", CLOSED),
                       float(opened_at) if opened_at else None, int(found.get("opened", 0)))

    def reset(self, provider: str) -> None:
        """Close a circuit by hand (an operator fixed the provider's settings)."""
        self.redis.delete(*self._keys(provider))
