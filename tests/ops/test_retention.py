"""Retention on either database: past its days a row leaves the log (whole partitions on
PostgreSQL, tests/ops/test_partitions.py; batched deletes on SQLite), counted first."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.analytics import funnel
from app.core.ops import retention
from app.models import Notification, NotificationRollup, NotificationStatus
from app.models.types import utcnow
from tests import factories


@pytest.mark.sqlite  # PostgreSQL drops partitions (test_partitions.py)
def test_sqlite_deletes_expired_rows_in_batches_and_keeps_their_counts(
        db, config, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    now = utcnow()
    old = now - timedelta(days=config.RETENTION_NOTIFICATIONS_DAYS + 1)
    for n, status in enumerate(("delivered", "delivered", "failed", "accepted", "delivered")):
        factories.notification(factories.contact(f"user-{n}", None, None), status=status,
                               campaign_run_id=7, created_at=old if n < 4 else now,
                               history=[("queued", None)])
    db.session.query(NotificationStatus).update({"at": old})
    db.session.commit()

    done = retention.apply(db.session, config, now)

    assert done.deleted == {"notifications": 3, "notification_statuses": 5}
    left = db.session.scalars(select(Notification.status).order_by(Notification.status)).all()
    assert left == ["accepted", "delivered"]  # the unfinished row waits
    assert db.session.scalar(select(func.sum(NotificationRollup.rows))) == 3
    report = funnel.breakdown(db.session, [7]).total
    assert (report.delivered, report.failed) == (3, 1)
