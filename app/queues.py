"""Queue names and enqueue helpers: one RQ queue per channel, fed through a due list.

Ids to deliver go onto their channel's due list (a Redis list); a drain job on the
channel's queue pops them in batches of up to BATCH_SIZE, so single sends coalesce into
large batches whatever the size of each request. At most one drain job per slot runs or
waits: a slot is held by a key with a short expiry that the draining job refreshes, and a
drain that finds a full batch (a backlog) starts the next slot, up to DRAIN_SLOTS, for
the channel's other workers.
"""

import logging
from collections.abc import Iterable

from redis.exceptions import RedisError
from rq import Queue

log = logging.getLogger(__name__)

CHANNEL_QUEUES = ("push", "sms", "email")
QUEUES = (*CHANNEL_QUEUES, "events", "maintenance", "imports", "campaigns")
DRAIN_JOB = "workers.jobs.drain_channel"
FAN_OUT_JOB = "workers.jobs.fan_out"
JOB_TIMEOUT = 600
DRAIN_SLOTS = 8  # drain jobs per channel at once (workers beyond this idle)
SLOT_TTL = 30  # seconds a slot stays held after its drain last showed life
PUSH_CHUNK = 10_000  # ids per RPUSH


def queue(redis, name: str) -> Queue:
    return Queue(name, connection=redis, default_timeout=JOB_TIMEOUT)


def due_key(channel: str) -> str:
    return f"herald:due:{channel}"


def slot_key(channel: str, slot: int) -> str:
    return f"herald:drain:{channel}:{slot}"


def by_channel(rows: Iterable[tuple[object, str]]) -> dict[str, list[str]]:
    """Group (id, channel) pairs into {channel: [id as text]}, the shape enqueue_ids takes."""
    grouped: dict[str, list[str]] = {}
    for id_, channel in rows:
        grouped.setdefault(channel, []).append(str(id_))
    return grouped


def enqueue_ids(redis, config, ids_by_channel: dict[str, list[str]], *,
                force: bool = False) -> int:
    """Append ids to their channels' due lists and start a drain where none is held.

    `force` queues a drain even where the first slot is held (the sweeper: a held slot
    whose job was lost would otherwise stall the channel until the slot expires).
    Returns the number of drain jobs queued; on a Redis outage logs and returns 0,
    leaving the rows `queued` in the database for the sweeper to queue again.
    """
    wanted = {channel: ids for channel, ids in ids_by_channel.items() if ids}
    if not wanted:
        return 0
    try:
        with redis.pipeline(transaction=False) as pipe:
            for channel, ids in wanted.items():
                for i in range(0, len(ids), PUSH_CHUNK):
                    pipe.rpush(due_key(channel), *ids[i:i + PUSH_CHUNK])
            for channel in wanted:
                pipe.set(slot_key(channel, 0), 1, nx=True, ex=SLOT_TTL)
            took = pipe.execute()[-len(wanted):]
        starts = [channel for channel, held in zip(wanted, took, strict=True) if held or force]
        return start_drains(redis, [(channel, 0) for channel in starts])
    except RedisError as exc:
        log.warning("redis unavailable, ids of %s left for the sweeper: %s",
                    sorted(wanted), exc)
        return 0


def start_drains(redis, slots: list[tuple[str, int]]) -> int:
    """Queue one drain job per (channel, slot) in one pipeline; the caller holds the slots."""
    if slots:
        with redis.pipeline() as pipe:
            for channel, slot in slots:
                queue(redis, channel).enqueue_many([Queue.prepare_data(
                    DRAIN_JOB, args=(channel, slot), result_ttl=0,
                    failure_ttl=7 * 24 * 3600)], pipeline=pipe)
            pipe.execute()
    return len(slots)


def take_slot(redis, channel: str, slot: int) -> bool:
    """Hold a drain slot (False: another drain holds it)."""
    return bool(redis.set(slot_key(channel, slot), 1, nx=True, ex=SLOT_TTL))


def pop_due(redis, channel: str, count: int) -> list[str]:
    """Take up to `count` ids from the head of a channel's due list."""
    return [_text(i) for i in redis.lpop(due_key(channel), count) or []]


def wait_due(redis, channel: str, seconds: float) -> list[str]:
    """Wait up to `seconds` for one id on a channel's due list and take it."""
    popped = redis.blpop([due_key(channel)], timeout=seconds)
    return [_text(popped[1])] if popped else []


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def enqueue_fan_out(redis, run_ids: Iterable[int]) -> None:
    """Queue the fan-out of campaign runs; on a Redis outage the tick queues them later
    (a fan-out whose heartbeat stops is taken up again)."""
    try:
        q = queue(redis, "campaigns")
        for run_id in run_ids:
            q.enqueue(FAN_OUT_JOB, run_id, result_ttl=0, failure_ttl=7 * 24 * 3600)
    except RedisError as exc:
        log.warning("redis unavailable, fan-out of runs %s left for the tick: %s",
                    list(run_ids), exc)


def depths(redis) -> dict[str, int]:
    """Return how many jobs wait in each queue (for health checks and the console)."""
    with redis.pipeline() as pipe:
        for name in QUEUES:
            pipe.llen(queue(redis, name).key)
        return dict(zip(QUEUES, pipe.execute(), strict=True))


def due_counts(redis) -> dict[str, int]:
    """Return how many notification ids wait on each channel's due list."""
    with redis.pipeline() as pipe:
        for channel in CHANNEL_QUEUES:
            pipe.llen(due_key(channel))
        return dict(zip(CHANNEL_QUEUES, pipe.execute(), strict=True))
