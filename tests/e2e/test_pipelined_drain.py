"""A drain keeps two batches in flight: the next batch is claimed while the one before is
with its provider, never a third; a drain that fails mid-pipeline loses no row."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.delivery import deliver
from app.models import Notification, NotificationStatus
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")
BATCH, BATCHES = 20, 4


@pytest.fixture()
def backlog(client, api_headers, db, config, monkeypatch):
    """BATCHES batches of SMS queued at once."""
    monkeypatch.setattr(config, "BATCH_SIZE", BATCH)
    factories.category()
    factories.contact()
    for _ in range(BATCH * BATCHES):
        send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})


def statuses(db) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.status)))


def history_by_batch(db) -> list[tuple[int, str]]:
    """(batch number, status) of every claim and outcome, in the order they were written;
    a batch is the rows claimed at one time."""
    history = db.session.execute(
        select(NotificationStatus.notification_id, NotificationStatus.status,
               NotificationStatus.at)
        .where(NotificationStatus.status.in_(["sending", "sent"]))
        .order_by(NotificationStatus.id)).all()
    claimed_at = sorted({at for _, status, at in history if status == "sending"})
    batch_of = {nid: claimed_at.index(at) for nid, status, at in history
                if status == "sending"}
    return [(batch_of[nid], status) for nid, status, _ in history]


def first(events: list, event) -> int:
    return events.index(event)


def last(events: list, event) -> int:
    return len(events) - 1 - events[::-1].index(event)


def test_the_next_batch_is_claimed_before_the_one_in_flight_is_recorded(
        backlog, drain, sandbox, db):
    # Each send held a moment: the one in flight is recorded (on PostgreSQL beside the
    # next claim) only once its provider answered.
    sandbox.fail("twilio", "ok", delay=0.3, seconds=120)
    drain()
    assert statuses(db) == {"sent": BATCH * BATCHES}
    events = history_by_batch(db)
    assert {batch for batch, _ in events} == set(range(BATCHES))
    for n in range(BATCHES - 1):
        # Batch n+1 was claimed while batch n was with the provider...
        assert last(events, (n + 1, "sending")) < first(events, (n, "sent"))
        if n + 2 < BATCHES:
            # ...and batch n+2 only once batch n's outcomes were written: two in flight.
            assert last(events, (n, "sent")) < first(events, (n + 2, "sending"))


def test_a_drain_failing_mid_pipeline_records_the_batch_sent_and_loses_none(
        backlog, drain, sandbox, db, config, monkeypatch):
    checks = []
    check = deliver.rules.still_blocked

    def fail_the_second_batch(session, rows, now):
        checks.append(len(rows))
        if len(checks) == 2:
            raise RuntimeError("the worker broke while building the next batch")
        return check(session, rows, now)

    monkeypatch.setattr(deliver.rules, "still_blocked", fail_the_second_batch)
    drain()  # the job fails (the next slot's job sends the batches it had not popped)
    # The batch in flight when it failed was sent: it is recorded. The next batch was
    # claimed, never sent: its lease runs out and the sweeper takes it back.
    assert statuses(db) == {"sent": BATCH * (BATCHES - 1), "sending": BATCH}
    assert len(sandbox.received("twilio")) == BATCH * (BATCHES - 1)
    monkeypatch.setattr(deliver.rules, "still_blocked", check)
    later = utcnow() + timedelta(seconds=config.SEND_LEASE_SECONDS + 1)
    drain(sweep_first=True, now=later)
    drain(sweep_first=True, now=later + timedelta(seconds=config.SWEEP_GRACE_SECONDS + 1))
    assert statuses(db) == {"sent": BATCH * BATCHES}
    assert len(sandbox.received("twilio")) == BATCH * BATCHES  # nothing sent twice
