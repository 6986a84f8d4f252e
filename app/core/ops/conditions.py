"""What is wrong right now, for alerts: each kind of trouble and what it concerns.

    queue_age           a queue's oldest job has waited past HERALD_ALERT_QUEUE_AGE_SECONDS
    no_worker           a queue holds jobs and no worker listens to it
    error_rate          a provider failed at least HERALD_ALERT_ERROR_RATE of its sends in
                        the last HERALD_ALERT_WINDOW_MINUTES (given enough sends to judge)
    dead_notifications  notifications ran out of retries in that window
    circuit_open        a provider's circuit breaker is open

Everything is read from Redis (queues, per-minute counters, circuit states), so a check
costs a few round trips. A circuit's state is the hash `herald:circuit:<provider>`, field
`state` (`closed`, `open`, `half_open`); no hash means closed.
"""

from dataclasses import dataclass, field
from datetime import datetime

from app.channels.registry import PROVIDERS
from app.core.ops import throughput
from app.core.ops.system import QueueStats, queue_stats

KINDS = ("queue_age", "no_worker", "error_rate", "dead_notifications", "circuit_open")
CIRCUIT_KEY = "herald:circuit:{provider}"
CIRCUIT_STATES = ("closed", "open", "half_open")


@dataclass
class Health:
    """Firing conditions by kind: {kind: {subject (a queue, provider or channel): detail}}."""

    firing: dict[str, dict[str, dict]] = field(default_factory=dict)

    def concerns(self, subjects: set[str]) -> bool:
        """Whether any firing condition is about one of these queues, providers or channels."""
        return any(s in subjects for found in self.firing.values() for s in found)


def circuit_states(redis) -> dict[str, str]:
    """Every provider's circuit state, in one round trip."""
    with redis.pipeline(transaction=False) as pipe:
        for name in PROVIDERS:
            pipe.hget(CIRCUIT_KEY.format(provider=name), "state")
        found = pipe.execute()
    return {name: (state.decode() if state else "closed")
            for name, state in zip(PROVIDERS, found, strict=True)}


def check(redis, config, now: datetime | None = None,
          queues: list[QueueStats] | None = None) -> Health:
    """Evaluate every condition now."""
    queues = queues if queues is not None else queue_stats(redis, now)
    series = throughput.last_hour(redis, now, minutes=config.ALERT_WINDOW_MINUTES)
    firing = {
        "queue_age": {q.name: {"oldest_seconds": round(q.oldest_seconds)} for q in queues
                      if (q.oldest_seconds or 0) > config.ALERT_QUEUE_AGE_SECONDS},
        "no_worker": {q.name: {"waiting": q.waiting} for q in queues if q.unattended},
        "error_rate": _error_rates(series, config),
        "dead_notifications": {
            channel: {"count": sum(kinds["dead"])}
            for channel, kinds in series.by_channel().items() if sum(kinds["dead"])},
        "circuit_open": {name: {"state": state}
                         for name, state in circuit_states(redis).items() if state == "open"},
    }
    return Health({kind: found for kind, found in firing.items() if found})


def _error_rates(series: throughput.Series, config) -> dict[str, dict]:
    found = {}
    for (channel, provider), _ in sorted(series.counts.items()):
        if provider == throughput.NO_PROVIDER:
            continue
        errors = series.total((channel, provider), "error")
        attempts = errors + series.total((channel, provider), "sent")
        if attempts >= config.ALERT_ERROR_MIN_SENDS \
                and errors / attempts >= config.ALERT_ERROR_RATE:
            found[provider] = {"channel": channel, "errors": errors, "attempts": attempts,
                               "rate": round(errors / attempts, 3)}
    return found
