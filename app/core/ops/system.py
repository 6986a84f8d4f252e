"""What operators watch and fix: queue backlogs, workers, providers, dead notifications."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from rq import Worker
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import case, distinct, func, literal, literal_column, select

from app.channels.registry import PROVIDERS, channel_of, provider_chain, settings_group
from app.core.delivery.transitions import move
from app.models import Notification, NotificationStatus
from app.models.notifications import Status
from app.models.types import utcnow
from app.queues import CHANNEL_QUEUES, QUEUES, by_channel, due_counts, enqueue_ids, queue

# History statuses that mean a provider took the message, or refused / lost it.
SENT_KINDS = (Status.SENT, Status.DELIVERED)
FAILED_KINDS = (Status.RETRYING, Status.FAILED, Status.DEAD)
REDRIVE_LIMIT = 10_000  # rows re-driven per click; a bigger backlog takes a few clicks

@dataclass
class QueueStats:
    name: str
    waiting: int
    running: int
    scheduled: int
    failed: int
    workers: int
    oldest_seconds: float | None  # age of the job at the head of the queue
    due: int = 0  # notification ids waiting for the channel's drain (channel queues)

    @property
    def unattended(self) -> bool:
        """Work waits and no worker listens: the backlog only grows."""
        return (self.waiting > 0 or self.due > 0) and self.workers == 0


def queue_stats(redis, now: datetime | None = None) -> list[QueueStats]:
    """One row per queue, read in a handful of Redis round trips."""
    now = now or utcnow()
    serving = Counter(name for worker in Worker.all(connection=redis)
                      for name in worker.queue_names())
    stats, due = [], due_counts(redis)
    for name in QUEUES:
        q = queue(redis, name)
        head = q.get_job_ids(0, 1)
        job = Job.fetch(head[0], connection=redis) if head else None
        oldest = (now - job.enqueued_at).total_seconds() if job and job.enqueued_at else None
        stats.append(QueueStats(
            name, q.count, StartedJobRegistry(queue=q).count,
            ScheduledJobRegistry(queue=q).count, FailedJobRegistry(queue=q).count,
            serving[name], oldest, due.get(name, 0)))
    return stats


@dataclass
class ProviderInfo:
    name: str
    channel: str
    order: int | None  # place in the channel's failover chain; None for push (per device)
    endpoint: str
    secrets: dict[str, str]  # setting → masked value, or "" when unset
    sent: int = 0
    failed: int = 0


def providers(config, session, since: timedelta = timedelta(hours=24)) -> list[ProviderInfo]:
    """Every provider with its endpoint, masked credentials and recent outcomes."""
    chains = {channel: provider_chain(channel, config) for channel in ("sms", "email")}
    counts = _outcomes(session, utcnow() - since)
    rows = []
    for name in PROVIDERS:
        channel = channel_of(name)
        group = settings_group(name)
        chain = chains.get(channel)
        if chain is not None and name not in chain:
            continue
        endpoint = _endpoint(name, group.endpoint, config)
        rows.append(ProviderInfo(
            name, channel, chain.index(name) + 1 if chain else None, endpoint,
            {s: mask(getattr(config, s, "")) for s in group.credentials},
            counts.get((name, "sent"), 0), counts.get((name, "failed"), 0)))
    return rows


def mask(secret) -> str:
    """Enough to recognise a credential, never enough to use it."""
    secret = str(secret or "")
    if not secret:
        return ""
    return "•" * 8 + (secret[-4:] if len(secret) >= 12 else "")


def _endpoint(name: str, url_setting: str | None, config) -> str:
    """Where a provider sends: scheme, host and port only (no path, no user info)."""
    if name == "webpush":
        return "each browser's push service"
    if name == "smtp":
        return f"smtp://{config.SMTP_HOST}:{config.SMTP_PORT}"
    parts = urlsplit(getattr(config, url_setting))
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def outcome_totals(session, since: timedelta = timedelta(hours=24)) -> dict[str, int]:
    """{sent, failed}: notifications that reached sent, and that met an error, since then."""
    counts = _outcomes(session, utcnow() - since, by_provider=False)
    return {kind: counts.get((None, kind), 0) for kind in ("sent", "failed")}


def _outcomes(session, since: datetime,
              by_provider: bool = True) -> dict[tuple[str | None, str], int]:
    """(provider or None, sent|failed) → notifications since `since`, each counted once.

    The history holds a row per move: sent then delivered, retrying then dead. Counting
    rows would count one message once per move, so count distinct notifications.
    """
    history = NotificationStatus
    kind = case((history.status.in_(SENT_KINDS), literal_column("'sent'")),
                else_=literal_column("'failed'"))  # literal SQL: GROUP BY repeats it
    provider = history.provider if by_provider else literal(None)
    rows = session.execute(
        select(provider, kind, func.count(distinct(history.notification_id)))
        .where(history.at >= since, history.provider.is_not(None),
               history.status.in_(SENT_KINDS + FAILED_KINDS))
        .group_by(*([history.provider] if by_provider else []), kind))
    return {(name, kind): n for name, kind, n in rows}


def dead_by_channel(session) -> dict[str, int]:
    rows = session.execute(select(Notification.channel, func.count())
                           .where(Notification.status == Status.DEAD)
                           .group_by(Notification.channel))
    counts = dict.fromkeys(CHANNEL_QUEUES, 0)
    counts.update(dict(rows.all()))
    return counts


@dataclass
class Redriven:
    """Dead notifications set `queued` again, by channel: the caller commits, then queues."""

    by_channel: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.by_channel.values())

    def enqueue(self, redis, config) -> None:
        """Queue them once committed; a Redis outage leaves them to the sweeper."""
        enqueue_ids(redis, config, self.by_channel)


def redrive_dead(session, config, channel: str | None = None,
                 limit: int = REDRIVE_LIMIT, ids: list | None = None) -> Redriven:
    """Set dead notifications `queued` again with fresh attempts, in the caller's transaction."""
    now = utcnow()
    chosen = select(Notification.id).where(Notification.status == Status.DEAD)
    if channel:
        chosen = chosen.where(Notification.channel == channel)
    if ids is not None:
        chosen = chosen.where(Notification.id.in_(ids))
    ids = list(session.scalars(chosen.limit(limit)))
    if not ids:
        return Redriven()
    rows = move(session, ids, Status.QUEUED, now=now, detail="re-driven",
                returning=(Notification.channel,), attempts=0, error_code=None,
                error_message=None, failed_at=None,
                due_at=now + timedelta(seconds=config.SWEEP_GRACE_SECONDS))
    return Redriven(by_channel((row.id, row.channel) for row in rows))


@dataclass
class WorkerInfo:
    name: str
    hostname: str
    pid: int | None
    queues: list[str]
    state: str  # idle, busy, suspended…
    job: str | None  # what it is running, e.g. "deliver_batch(sms, 500 ids)"
    job_started: datetime | None
    last_heartbeat: datetime | None


def worker_states(redis) -> list[WorkerInfo]:
    """Every live worker (RQ drops one whose heartbeat stopped) and its current job."""
    found = []
    for worker in sorted(Worker.all(connection=redis), key=lambda w: w.name):
        job = worker.get_current_job()
        found.append(WorkerInfo(
            worker.name, worker.hostname or "", worker.pid, worker.queue_names(),
            str(worker.state), describe_job(job) if job else None,
            job.started_at if job else None, worker.last_heartbeat))
    return found


def describe_job(job: Job) -> str:
    """A job's function and arguments in a few words (a list of ids as its length)."""
    args = [f"{len(a)} ids" if isinstance(a, list | tuple) else str(a)[:40]
            for a in job.args or ()]
    return f"{(job.func_name or '?').rsplit('.', 1)[-1]}({', '.join(args)})"
