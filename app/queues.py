"""Queue names and enqueue helpers: one RQ queue per channel, one job per batch of ids."""

import logging
from collections.abc import Iterable

from redis.exceptions import RedisError
from rq import Queue

log = logging.getLogger(__name__)

CHANNEL_QUEUES = ("push", "sms", "email")
QUEUES = (*CHANNEL_QUEUES, "events", "maintenance", "imports", "campaigns")
DELIVER_JOB = "workers.jobs.deliver_batch"
FAN_OUT_JOB = "workers.jobs.fan_out"
JOB_TIMEOUT = 600


def queue(redis, name: str) -> Queue:
    return Queue(name, connection=redis, default_timeout=JOB_TIMEOUT)


def by_channel(rows: Iterable[tuple[object, str]]) -> dict[str, list[str]]:
    """Group (id, channel) pairs into {channel: [id as text]}, the shape enqueue_ids takes."""
    grouped: dict[str, list[str]] = {}
    for id_, channel in rows:
        grouped.setdefault(channel, []).append(str(id_))
    return grouped


def enqueue_ids(redis, config, ids_by_channel: dict[str, list[str]]) -> int:
    """Enqueue delivery jobs of up to BATCH_SIZE ids each, in one pipeline.

    Returns the number of jobs queued; on a Redis outage logs and returns 0, leaving the
    rows `queued` in the database for the sweeper to queue again.
    """
    size = config.BATCH_SIZE
    try:
        with redis.pipeline() as pipe:
            jobs = 0
            for channel, ids in ids_by_channel.items():
                q = queue(redis, channel)
                batches = [
                    Queue.prepare_data(
                        DELIVER_JOB,
                        args=(channel, ids[i : i + size]),
                        result_ttl=0,
                        failure_ttl=7 * 24 * 3600,
                    )
                    for i in range(0, len(ids), size)
                ]
                q.enqueue_many(batches, pipeline=pipe)
                jobs += len(batches)
            pipe.execute()
        return jobs
    except RedisError as exc:
        log.warning(
            "redis unavailable, %d channel batches left for the sweeper: %s",
            len(ids_by_channel),
            exc,
        )
        return 0


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
