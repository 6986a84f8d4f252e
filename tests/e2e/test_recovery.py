"""A dead worker's batch is back in the queue within its short lease; a live worker's
slow batch never is (its lease is renewed while it sends). A worker killed with two
batches in flight (one sending, the next claimed) loses neither. Real worker processes
against a slow simulator."""
import time

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.core.delivery.dispatch import SendRequest, accept, enqueue
from app.core.delivery.sweeper import sweep
from app.models import Contact, Notification
from app.models.notifications import Status
from tests import factories
from tests.helpers.processes import kill, start_worker, worker_env

LEASE = 5  # short, yet long enough for a machine under heavy load
COUNT = 12
HELD = 12  # seconds the slow provider holds each answer


def queue_slow_sends(db, redis, config, sandbox, monkeypatch, count: int) -> None:
    """`count` SMS notifications queued to a Twilio that answers 12 s late."""
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")
    factories.category(quiet_hours=False)
    db.session.add_all(Contact(external_id=f"r{i}", phone=f"+1415666{i:04d}")
                       for i in range(count))
    db.session.commit()
    sandbox.fail("twilio", "ok", delay=HELD, seconds=120)
    accepted = accept(db.session, redis, config, SendRequest(
        recipients=[f"r{i}" for i in range(count)], category="orders", channels=["sms"],
        content={"sms": {"text": "slow"}}))
    db.session.commit()
    enqueue(redis, config, accepted)


@pytest.fixture()
def slow_batch(db, redis, config, sandbox, monkeypatch):
    """COUNT SMS notifications queued as one batch to a Twilio that answers 12 s late."""
    queue_slow_sends(db, redis, config, sandbox, monkeypatch, COUNT)
    return worker_env(config, sandbox, SEND_LEASE_SECONDS=LEASE, BATCH_SIZE=COUNT)


def counts(db) -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Notification.status, func.count())
                                   .group_by(Notification.status)).all())


def wait_for(db, status: Status, timeout: float = 30, count: int = COUNT) -> None:
    deadline = time.monotonic() + timeout
    while counts(db).get(status, 0) < count:
        assert time.monotonic() < deadline, f"not all {status} after {timeout} s: {counts(db)}"
        time.sleep(0.1)


def wait_out_held_sends(killed: float) -> None:
    """Let the answers the provider still holds for a killed worker end, so none of them
    lands in the outbox after a reset."""
    time.sleep(max(killed + HELD + 3 - time.monotonic(), 0))


def test_a_live_workers_slow_batch_is_never_taken_back(db, redis, config, sandbox,
                                                       slow_batch):
    worker = start_worker(slow_batch)
    try:
        wait_for(db, Status.SENDING)
        # The provider holds every answer 12 s: the 5 s lease passes twice over, renewed.
        while counts(db).get(Status.SENDING):
            assert sweep(db.session, redis, config)["recovered"] == 0
            time.sleep(0.25)
        wait_for(db, Status.SENT)
    finally:
        kill(worker)
    assert len(sandbox.received("twilio")) == COUNT


def test_a_killed_workers_batch_is_back_within_its_lease(db, redis, config, sandbox,
                                                          slow_batch):
    worker = start_worker(slow_batch)
    try:
        wait_for(db, Status.SENDING)
    finally:
        kill(worker)
    killed = time.monotonic()
    recovered = 0
    while recovered < COUNT:
        assert time.monotonic() - killed < LEASE + 10, "the lease of a dead worker held"
        recovered += sweep(db.session, redis, config)["recovered"]
        time.sleep(0.25)
    assert counts(db) == {Status.QUEUED: COUNT}
    wait_out_held_sends(killed)
    sandbox.reset()  # the provider answers at once again
    worker = start_worker(slow_batch)
    try:
        wait_for(db, Status.SENT)
    finally:
        kill(worker)
    # Every message reached the provider (the killed batch's, if it got there, twice).
    assert {e["recipient"] for e in sandbox.received("twilio")} == {
        f"+1415666{i:04d}" for i in range(COUNT)}


def test_a_worker_killed_with_two_batches_in_flight_loses_neither(db, redis, config, sandbox,
                                                                  monkeypatch):
    queue_slow_sends(db, redis, config, sandbox, monkeypatch, 3 * COUNT)
    env = worker_env(config, sandbox, SEND_LEASE_SECONDS=LEASE, BATCH_SIZE=COUNT)
    worker = start_worker(env)
    try:
        # The first batch is held by the provider; the second is claimed meanwhile.
        wait_for(db, Status.SENDING, count=2 * COUNT)
    finally:
        kill(worker)
    assert counts(db) == {Status.SENDING: 2 * COUNT, Status.QUEUED: COUNT}
    killed = time.monotonic()
    recovered = 0
    while recovered < 2 * COUNT:
        assert time.monotonic() - killed < LEASE + 10, "the lease of a dead worker held"
        recovered += sweep(db.session, redis, config)["recovered"]
        time.sleep(0.25)
    wait_out_held_sends(killed)
    sandbox.reset()
    worker = start_worker(env)
    try:
        wait_for(db, Status.SENT, count=3 * COUNT)
    finally:
        kill(worker)
    # Each recipient once: the batch that was sending again, the claimed one and the rest.
    assert sorted(e["recipient"] for e in sandbox.received("twilio")) == [
        f"+1415666{i:04d}" for i in range(3 * COUNT)]


def test_by_default_a_dead_workers_batch_is_back_within_30_seconds():
    defaults = Config()
    assert defaults.SEND_LEASE_SECONDS + defaults.SWEEP_INTERVAL_SECONDS <= 30
