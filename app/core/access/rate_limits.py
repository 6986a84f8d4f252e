"""API requests per key, limited across every web process in Redis (the `limits` library).

A key's own limit (api_keys.rate_limit, e.g. "100/second") wins over the default
(HERALD_API_RATE_LIMIT); an empty default and no own limit mean unlimited. The window
slides (a weighted count of this and the previous window), so a burst at a window's edge
cannot double the rate. If Redis does not answer, requests pass: the API keeps accepting
(rows wait in the database) rather than refuse every client.
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from redis.exceptions import RedisError

KEY_PREFIX = "herald:ratelimit"


def parse_limit(expression: str) -> RateLimitItem:
    """"600/minute", "10/second", "1000 per 5 minutes" → the limit; ValueError otherwise."""
    item = parse(expression)  # raises ValueError on anything else
    if item.amount < 1:
        raise ValueError("the amount must be at least 1")
    return item


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # refused: until a request fits; else until the window ends
    window_seconds: int

    def headers(self) -> dict[str, str]:
        """IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers); and
        Retry-After when refused."""
        headers = {"RateLimit-Limit": str(self.limit),
                   "RateLimit-Remaining": str(self.remaining),
                   "RateLimit-Reset": str(self.reset_seconds),
                   "RateLimit-Policy": f"{self.limit};w={self.window_seconds}"}
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_seconds))
        return headers


class ApiRateLimiter:
    def __init__(self, redis):
        storage = RedisStorage("redis://", connection_pool=redis.connection_pool,
                               key_prefix=KEY_PREFIX)
        self.limiter = SlidingWindowCounterRateLimiter(storage)

    def hit(self, key_id: int, own: str | None, default: str) -> Verdict | None:
        """Count one request of the key; None when it has no limit or Redis is down."""
        expression = own or default
        if not expression:
            return None
        item = parse_limit(expression)
        try:
            allowed = self.limiter.hit(item, str(key_id))
            stats = self.limiter.get_window_stats(item, str(key_id))
        except RedisError:
            return None
        now, window = time.time(), item.get_expiry()
        # Refused: until one more request fits; else until this window ends.
        reset = stats.reset_time - now if not allowed else window - now % window
        return Verdict(allowed, item.amount, stats.remaining, max(0, math.ceil(reset)), window)
