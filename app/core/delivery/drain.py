"""A channel worker's drain: deliver the channel's due ids in batches until none are left.

Whatever the size of the requests that queued them, ids are claimed BATCH_SIZE at a time
(email EMAIL_BATCH_SIZE: a batch of identical bodies is one provider request), two
batches in flight: one sends while the next is claimed and built (see pipeline).
The ids only point at rows: a popped id whose row is not `queued` is skipped by the
claim, and a row whose id was lost (a Redis flush, a worker dying between pop and claim)
stays `queued` until the sweeper queues it again.
"""

import time
from collections import Counter

from sqlalchemy.exc import InterfaceError, OperationalError

from app.core.delivery.pipeline import Pipeline
from app.queues import (
    DRAIN_SLOTS,
    SLOT_TTL,
    due_key,
    pop_due,
    slot_key,
    start_drains,
    take_slot,
    wait_due,
)

DRAIN_SECONDS = 60  # then the job hands its slot to a fresh job (other jobs get a turn)
LINGER_SECONDS = 0.05


def drain(session, redis, config, pool, channel: str, slot: int = 0, *,
          budget_seconds: float = DRAIN_SECONDS) -> dict[str, int]:
    """Deliver batches from the channel's due list; return counts per resulting status."""
    counts: Counter = Counter()
    deadline = time.monotonic() + budget_seconds
    size = batch_size(config, channel)
    with Pipeline(session, redis, config, pool, channel) as pipeline:
        while True:
            redis.expire(slot_key(channel, slot), SLOT_TTL)
            # With a batch in flight, its outcomes are not held up waiting for ids.
            idle = 0 if pipeline.busy else config.DRAIN_IDLE_MS / 1000
            ids = _next_batch(redis, channel, size, idle)
            if not ids:
                if pipeline.busy:
                    counts.update(_guarded(redis, channel, slot, [], pipeline.finish))
                elif _release(redis, channel, slot):
                    break
                continue
            if len(ids) == size:
                _widen(redis, channel, slot)
            counts.update(_guarded(redis, channel, slot, ids, pipeline.push, ids))
            if time.monotonic() > deadline:
                counts.update(_guarded(redis, channel, slot, [], pipeline.finish))
                start_drains(redis, [(channel, slot)])  # the slot stays held for it
                break
    return dict(counts)


def _guarded(redis, channel: str, slot: int, ids: list[str], step, *args):
    """Run a pipeline step; when it fails, give the slot up (and the ids back if the
    database went away) and raise."""
    try:
        return step(*args)
    except Exception as exc:
        if ids and isinstance(exc, OperationalError | InterfaceError):
            # The database went away: hand the ids back for whoever drains after the
            # outage (the job backs off and tries again) rather than wait for the sweeper.
            redis.lpush(due_key(channel), *reversed(ids))
        # Otherwise the batches' rows are swept later; the next send may start a drain.
        redis.delete(slot_key(channel, slot))
        raise


def batch_size(config, channel: str) -> int:
    """How many ids one batch of the channel claims."""
    return config.EMAIL_BATCH_SIZE if channel == "email" else config.BATCH_SIZE


def _next_batch(redis, channel: str, size: int, idle: float) -> list[str]:
    """Pop up to `size` ids. A short batch waits LINGER_SECONDS for more (each batch costs
    a dozen statements whatever its size); an empty list waits up to `idle` seconds for
    an id before the drain ends (a job per trickling send costs more than waiting here)."""
    ids = pop_due(redis, channel, size)
    if not ids and idle:
        ids = wait_due(redis, channel, idle)
    if ids and len(ids) < size:
        time.sleep(LINGER_SECONDS)
        ids += pop_due(redis, channel, size - len(ids))
    return ids


def _release(redis, channel: str, slot: int) -> bool:
    """Give the slot up; False when ids arrived meanwhile and the slot was taken back."""
    redis.delete(slot_key(channel, slot))
    return not (redis.llen(due_key(channel)) and take_slot(redis, channel, slot))


def _widen(redis, channel: str, slot: int) -> None:
    """A full batch means a backlog: start the next slot's drain for another worker."""
    if slot + 1 < DRAIN_SLOTS and take_slot(redis, channel, slot + 1):
        start_drains(redis, [(channel, slot + 1)])
