"""Send rate limits per provider, shared by every worker through Redis.

A limit (HERALD_PROVIDER_RATE_LIMITS, `name=messages/seconds`) spaces a provider's
messages evenly: each batch reserves its slots in one atomic step (GCRA: a "theoretical
arrival time" per key moved forward by one interval per message), then sends each one no
sooner than its slot. The key is the provider's own (`Provider.rate_key`): Twilio limits
per sender number, FCM per project.

A provider's 429 slows every worker down: nothing is sent on that key before its
Retry-After, and the interval doubles (up to SLOWEST times) for ADAPT_SECONDS, then
returns to the configured rate. This holds for providers without a configured limit too.
A batch never waits longer than HERALD_RATE_WAIT_MAX_SECONDS: messages whose slot is
further away come back as RateLimited (code "rate_wait") and are retried after it.
"""
import time
from dataclasses import dataclass

PREFIX = "herald:rate:"
ADAPT_SECONDS = 60
SLOWEST = 16

# KEYS[1] the key's hash; ARGV now, interval, count, max wait. Returns {fit, start, interval}
# (floats as strings: Lua numbers come back from Redis as integers).
RESERVE = """
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local count, max_wait = tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tat', 'factor', 'factor_until')
local tat = tonumber(state[1]) or now
if tat < now then tat = now end
if tonumber(state[3] or 0) > now then interval = interval * tonumber(state[2] or 1) end
if tat - now > max_wait then return {0, tostring(tat), tostring(interval)} end
local fit = count
if interval > 0 then
  fit = math.min(count, math.floor((now + max_wait - tat) / interval) + 1)
end
redis.call('HSET', KEYS[1], 'tat', tostring(tat + fit * interval))
redis.call('EXPIRE', KEYS[1], math.ceil(tat - now + fit * interval) + ARGV[5])
return {fit, tostring(tat), tostring(interval)}
"""

# KEYS[1] the key's hash; ARGV now, pause seconds, adapt seconds, slowest factor.
SLOW_DOWN = """
local now, pause = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tat', 'factor', 'factor_until')
local tat = math.max(tonumber(state[1]) or now, now + pause)
local factor = 1
if tonumber(state[3] or 0) > now then factor = tonumber(state[2] or 1) end
factor = math.min(factor * 2, tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'tat', tostring(tat), 'factor', factor,
           'factor_until', tostring(now + tonumber(ARGV[3])))
redis.call('EXPIRE', KEYS[1], math.ceil(tat - now) + ARGV[3])
return tostring(factor)
"""


@dataclass(frozen=True)
class Slots:
    """`fit` messages may go, the first at `start`, one per `interval` after it; the
    next free slot (for those that may not) is at `start + fit * interval`."""

    fit: int
    start: float
    interval: float

    def at(self, index: int) -> float:
        return self.start + index * self.interval

    @property
    def next_free(self) -> float:
        return self.start + self.fit * self.interval


class Pacer:
    def __init__(self, redis, config, clock=time.time, sleep=time.sleep):
        self.redis, self.config, self.clock, self.sleep = redis, config, clock, sleep
        self._reserve = redis.register_script(RESERVE)
        self._slow_down = redis.register_script(SLOW_DOWN)

    def interval(self, provider: str) -> float:
        """Seconds between two messages of the provider (0: no limit)."""
        limit = self.config.PROVIDER_RATE_LIMITS.get(provider)
        return limit[1] / limit[0] if limit else 0.0

    def reserve(self, provider: str, key: str, count: int) -> Slots:
        """Reserve up to `count` slots on the key, none further than the longest wait."""
        fit, start, interval = self._reserve(
            [PREFIX + key],
            [self.clock(), self.interval(provider), count,
             self.config.RATE_WAIT_MAX_SECONDS, ADAPT_SECONDS])
        return Slots(int(fit), float(start), float(interval))

    def wait_until(self, moment: float) -> None:
        delay = moment - self.clock()
        if delay > 0:
            self.sleep(delay)

    def slow_down(self, key: str, retry_after: float | None) -> float:
        """The provider answered 429: pause the key, then send at a slower rate a while."""
        factor = self._slow_down([PREFIX + key],
                                 [self.clock(), retry_after or 0, ADAPT_SECONDS, SLOWEST])
        return float(factor)
