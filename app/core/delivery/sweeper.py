"""Release held and retrying rows when due; re-queue what a crash or outage left behind
(notifications, and CSV imports whose worker died); forget expired keys and webhook ids."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.delivery import idempotency, webhooks
from app.core.delivery.transitions import move
from app.core.imports.run import resume_stalled
from app.models import Notification
from app.models.notifications import Status
from app.models.types import utcnow
from app.queues import by_channel, enqueue_ids

log = logging.getLogger(__name__)
MAX_PER_SWEEP = 50_000
REDELIVERED_KEY = "herald:metrics:redelivered"


def _requeue(session, config, statuses: tuple[Status, ...], why: str, now: datetime) -> list:
    """Move due rows in the given statuses to `queued` (history says why), locked, bounded."""
    due = (
        select(Notification.id)
        .where(Notification.status.in_(statuses), Notification.due_at <= now)
        .order_by(Notification.due_at)
        .limit(MAX_PER_SWEEP)
        .with_for_update(skip_locked=True)
    )
    return move(session, due, Status.QUEUED, now=now, detail=why,
                returning=(Notification.channel,),
                due_at=now + timedelta(seconds=config.SWEEP_GRACE_SECONDS))


def sweep(session, redis, config, now: datetime | None = None) -> dict[str, int]:
    """Run one sweep; return how many rows were released, re-queued and recovered."""
    now = now or utcnow()
    released = _requeue(session, config, (Status.ACCEPTED, Status.RETRYING), "due", now)
    stale = _requeue(session, config, (Status.QUEUED,), "job lost", now)
    # A worker died mid-batch.
    recovered = _requeue(session, config, (Status.SENDING,), "lease expired", now)
    expired = idempotency.purge_expired(session, now)
    webhook_ids = webhooks.prune(session, now)
    session.commit()
    rows = (*released, *stale, *recovered)
    # Forced: a stale row may mean a drain slot is held by a job that was lost.
    enqueue_ids(redis, config, by_channel((row.id, row.channel) for row in rows), force=True)
    if recovered:
        # At-least-once: a batch in flight at the crash may be sent twice. Count them.
        redis.incrby(REDELIVERED_KEY, len(recovered))
        log.warning("recovered %d notifications from expired leases", len(recovered))
    return {
        "imports_resumed": resume_stalled(session, redis, now),
        "released": len(released),
        "requeued": len(stale),
        "recovered": len(recovered),
        "idempotency_keys_expired": expired,
        "webhook_ids_expired": webhook_ids,
    }
