"""Retention on either database: past its days a row leaves the log (whole partitions on
PostgreSQL, tests/ops/test_partitions.py; batched deletes on SQLite), counted first."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.analytics import funnel
from app.core.ops import retention
from app.models import (
    Notification,
    NotificationRollup,
    NotificationStatus,
    ShortLink,
    TrackedLink,
)
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


@pytest.mark.sqlite
def test_sqlite_deletes_expired_events_in_batches_and_the_report_counts_them_the_same(
        db, config, monkeypatch):
    from app.models import Event, EventKey, EventRollup

    monkeypatch.setattr(retention, "BATCH", 2)
    now = utcnow()
    old = now - timedelta(days=config.RETENTION_EVENTS_DAYS + 1)
    first, second = (factories.notification(factories.contact(name, None, None),
                                            campaign_run_id=7, provider="sendgrid")
                     for name in ("first", "second"))
    kept = factories.event(first, "opened", now)
    for row, kind, at, machine in ((first, "opened", old, False), (first, "opened", old, True),
                                   (second, "clicked", old, False),
                                   (second, "opened", old, True)):
        gone = factories.event(row, kind, at, machine=machine)
    db.session.add(EventKey(key="opened:second", event_id=gone.id))
    db.session.commit()
    engaged = [(f.total.opened, f.total.clicked) for f in (
        funnel.breakdown(db.session, [7]), funnel.breakdown(db.session, [7], False))]
    assert engaged == [(1, 1), (2, 1)]

    done = retention.apply(db.session, config, now)

    assert done.deleted["events"] == 4
    assert db.session.scalars(select(Event.id)).all() == [kept.id]
    assert db.session.scalar(select(EventKey.key)) is None
    assert db.session.scalar(select(func.sum(EventRollup.events))) == 4
    assert [(f.total.opened, f.total.clicked) for f in (
        funnel.breakdown(db.session, [7]), funnel.breakdown(db.session, [7], False))] == engaged


def test_template_links_no_message_carried_for_the_link_days_are_deleted(
        db, config, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    now = utcnow()
    version = factories.template("promo").published_version_id
    contact = factories.contact()
    days = config.TRACKING_LINK_DAYS
    links = {}
    for name, used in (("old-1", days + 2), ("old-2", days + 1), ("old-3", days + 5),
                       ("recent", days - 1), ("today", 0)):
        links[name] = TrackedLink(scope=f"v{version}", template_version_id=version,
                                  url=f"https://shop.example/{name}", url_hash=name,
                                  created_at=now - timedelta(days=days + 9),
                                  used_at=now - timedelta(days=used))
    sent = factories.notification(contact, created_at=now)
    # A notification's own link, made long ago: it goes with its notification, not here.
    links["own"] = TrackedLink(scope=f"n{sent.id.hex}", notification_id=sent.id,
                               url="https://shop.example/own", url_hash="own",
                               created_at=now, used_at=now - timedelta(days=days + 9))
    db.session.add_all(links.values())
    db.session.flush()
    db.session.add(ShortLink(code="abc12345", link_id=links["old-1"].id,
                             notification_id=sent.id, expires_at=now))
    db.session.commit()

    done = retention.apply(db.session, config, now)

    assert done.deleted["tracked_links"] == 3
    db.session.expire_all()
    assert sorted(db.session.scalars(select(TrackedLink.url_hash))) == ["own", "recent", "today"]
    assert db.session.scalar(select(ShortLink.code)) is None
