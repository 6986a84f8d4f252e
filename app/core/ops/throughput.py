"""Send outcomes counted in Redis: per minute for the last hour, and in total for Prometheus.

Workers add a batch's outcomes in one pipeline: one hash per minute (fields
`channel|provider|kind`, kept two hours) and one running total hash that never expires,
which /metrics exposes as counters. Every node writes the same keys, so any web process
reads the whole fleet's numbers.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models.types import utcnow

MINUTE_KEY = "herald:throughput:{minute}"
TOTAL_KEY = "herald:throughput:total"
KEEP_SECONDS = 2 * 3600
KINDS = ("sent", "error", "dead")
NO_PROVIDER = "none"  # failed before any provider (render errors, no provider configured)


def minute_key(at: datetime) -> str:
    return MINUTE_KEY.format(minute=at.strftime("%Y%m%d%H%M"))


def count(redis, outcomes: Counter, now: datetime | None = None) -> None:
    """Add {(channel, provider, kind): n} to this minute's and the running totals."""
    if not outcomes:
        return
    key = minute_key(now or utcnow())
    with redis.pipeline(transaction=False) as pipe:
        for (channel, provider, kind), n in outcomes.items():
            field = f"{channel}|{provider or NO_PROVIDER}|{kind}"
            pipe.hincrby(key, field, n)
            pipe.hincrby(TOTAL_KEY, field, n)
        pipe.expire(key, KEEP_SECONDS)
        pipe.execute()


def totals(redis) -> dict[tuple[str, str, str], int]:
    """(channel, provider, kind) → count since the counters began."""
    return {_split(f): int(n) for f, n in redis.hgetall(TOTAL_KEY).items()}


@dataclass
class Series:
    """Per-minute counts for the last `minutes`, oldest first, by (channel, provider)."""

    minutes: list[datetime]
    counts: dict[tuple[str, str], dict[str, list[int]]]  # (channel, provider) → kind → list

    def total(self, key: tuple[str, str], kind: str, last: int | None = None) -> int:
        values = self.counts.get(key, {}).get(kind, [])
        return sum(values[-last:] if last else values)

    def by_channel(self) -> dict[str, dict[str, list[int]]]:
        """The same counts summed over each channel's providers."""
        out: dict[str, dict[str, list[int]]] = {}
        for (channel, _), kinds in self.counts.items():
            into = out.setdefault(channel, {k: [0] * len(self.minutes) for k in KINDS})
            for kind, values in kinds.items():
                into[kind] = [a + b for a, b in zip(into[kind], values, strict=True)]
        return out


def last_hour(redis, now: datetime | None = None, minutes: int = 60) -> Series:
    """Read the last `minutes` minute hashes in one pipeline."""
    now = (now or utcnow()).replace(second=0, microsecond=0)
    stamps = [now - timedelta(minutes=m) for m in range(minutes - 1, -1, -1)]
    with redis.pipeline(transaction=False) as pipe:
        for stamp in stamps:
            pipe.hgetall(minute_key(stamp))
        hashes = pipe.execute()
    counts: dict[tuple[str, str], dict[str, list[int]]] = {}
    for i, found in enumerate(hashes):
        for field, n in found.items():
            channel, provider, kind = _split(field)
            series = counts.setdefault((channel, provider),
                                       {k: [0] * len(stamps) for k in KINDS})
            series.setdefault(kind, [0] * len(stamps))[i] += int(n)
    return Series(stamps, counts)


def _split(field) -> tuple[str, str, str]:
    text = field.decode() if isinstance(field, bytes) else field
    channel, provider, kind = text.split("|", 2)
    return channel, provider, kind
