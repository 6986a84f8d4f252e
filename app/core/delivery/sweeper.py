"""Release held and retrying rows when due; re-queue what a crash or outage left behind
(notifications, and CSV imports whose worker died); forget expired keys and webhook ids."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.core.delivery import idempotency, webhooks
from app.core.imports.run import resume_stalled
from app.models import Notification
from app.models.notifications import ACCEPTED, QUEUED, RETRYING, SENDING
from app.models.types import utcnow
from app.queues import by_channel, enqueue_ids

log = logging.getLogger(__name__)
MAX_PER_SWEEP = 50_000
REDELIVERED_KEY = "herald:metrics:redelivered"


def _requeue(session, config, statuses: tuple[str, ...], now: datetime) -> list:
    """Move due rows in the given statuses to `queued`, in one locked, bounded UPDATE."""
    due = (
        select(Notification.id)
        .where(Notification.status.in_(statuses), Notification.due_at <= now)
        .order_by(Notification.due_at)
        .limit(MAX_PER_SWEEP)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()))
        .values(
            status=QUEUED,
            queued_at=now,
            updated_at=now,
            due_at=now + timedelta(seconds=config.SWEEP_GRACE_SECONDS),
        )
        .returning(Notification.id, Notification.channel)
    )
    return session.execute(stmt, execution_options={"synchronize_session": False}).all()


def sweep(session, redis, config, now: datetime | None = None) -> dict[str, int]:
    """Run one sweep; return how many rows were released, re-queued and recovered."""
    now = now or utcnow()
    released = _requeue(session, config, (ACCEPTED, RETRYING), now)
    stale = _requeue(session, config, (QUEUED,), now)
    recovered = _requeue(session, config, (SENDING,), now)  # a worker died mid-batch
    expired = idempotency.purge_expired(session, now)
    webhook_ids = webhooks.prune(session, now)
    session.commit()
    rows = (*released, *stale, *recovered)
    enqueue_ids(redis, config, by_channel((row.id, row.channel) for row in rows))
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
