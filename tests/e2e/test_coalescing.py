"""Single sends coalesce: many one-recipient requests are claimed in few batches by one
drain job, and the sweeper still delivers everything when Redis loses the ids."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.channels.pool import ProviderPool
from app.core.delivery.drain import drain as drain_channel
from app.models import Notification, NotificationStatus
from app.models.types import utcnow
from app.queues import enqueue_ids, queue, slot_key
from tests import factories
from tests.helpers.api import due, send

pytestmark = pytest.mark.usefixtures("app_ctx")
SENDS = 200


@pytest.fixture()
def sent_ids(client, api_headers, db):
    factories.category()
    factories.contact()
    return [send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})[0]["id"]
            for _ in range(SENDS)]


def statuses(db) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.status)))


def claims(db) -> int:
    """How many batches claimed rows (one history time per claim)."""
    return db.session.scalar(select(func.count(func.distinct(NotificationStatus.at)))
                             .where(NotificationStatus.status == "sending"))


def test_single_sends_become_one_drain_job_and_one_batch(sent_ids, drain, sandbox, db, redis):
    assert queue(redis, "sms").count == 1
    assert sorted(due(redis, "sms")) == sorted(sent_ids)
    drain()
    assert statuses(db) == {"sent": SENDS}
    assert claims(db) == 1
    assert len(sandbox.received("twilio")) == SENDS
    assert due(redis, "sms") == [] and redis.keys("herald:drain:*") == []


def test_an_idle_drain_waits_for_the_next_send_then_ends(sent_ids, drain, sandbox, db, redis,
                                                         config, monkeypatch):
    monkeypatch.setattr(config, "DRAIN_IDLE_MS", 200)
    drain()
    assert statuses(db) == {"sent": SENDS}
    assert redis.keys("herald:drain:*") == [] and queue(redis, "sms").count == 0


def test_a_backlog_is_drained_in_batches_by_more_slots(sent_ids, drain, sandbox, db, redis,
                                                      config, monkeypatch):
    monkeypatch.setattr(config, "BATCH_SIZE", 50)
    drain()
    assert statuses(db) == {"sent": SENDS}
    assert claims(db) == SENDS // 50
    assert len(sandbox.received("twilio")) == SENDS
    assert redis.keys("herald:drain:*") == []


def test_email_is_claimed_in_batches_of_its_own_size(client, api_headers, drain, sandbox, db,
                                                     config, monkeypatch):
    monkeypatch.setattr(config, "EMAIL_BATCH_SIZE", 50)
    factories.category()
    factories.contact()
    for _ in range(SENDS):
        send(client, api_headers, channels=["email"],
             content={"email": {"subject": "Hi", "text": "Hi"}})
    drain()
    assert statuses(db) == {"sent": SENDS}
    assert claims(db) == SENDS // 50  # BATCH_SIZE (500) would have taken them at once
    requests = Counter(r["message_id"] for r in sandbox.received("sendgrid"))
    assert sorted(requests.values()) == [50] * (SENDS // 50)  # one request per batch


def test_flushed_redis_still_delivers_everything_through_the_sweeper(sent_ids, drain, sandbox,
                                                                      db, redis, config):
    redis.flushdb()
    drain()
    assert statuses(db) == {"queued": SENDS}
    later = utcnow() + timedelta(seconds=config.SWEEP_GRACE_SECONDS + 1)
    drain(sweep_first=True, now=later)
    assert statuses(db) == {"sent": SENDS}
    assert len(sandbox.received("twilio")) == SENDS


def test_a_held_slot_whose_job_was_lost_does_not_stall_the_sweeper(sent_ids, drain, sandbox,
                                                                   db, redis, config):
    queue(redis, "sms").empty()  # the drain job is gone, its slot still held
    drain()
    assert statuses(db) == {"queued": SENDS}
    later = utcnow() + timedelta(seconds=config.SWEEP_GRACE_SECONDS + 1)
    drain(sweep_first=True, now=later)
    assert statuses(db) == {"sent": SENDS}
    assert len(sandbox.received("twilio")) == SENDS


def test_ids_drained_twice_are_sent_once(sent_ids, drain, sandbox, db, redis, config):
    drain()
    enqueue_ids(redis, config, {"sms": sent_ids}, force=True)
    drain()
    assert statuses(db) == {"sent": SENDS}
    assert len(sandbox.received("twilio")) == SENDS
    assert claims(db) == 1


def test_a_drain_out_of_time_hands_its_slot_to_a_fresh_job(sent_ids, drain, sandbox, db,
                                                           redis, config, monkeypatch):
    monkeypatch.setattr(config, "BATCH_SIZE", 50)
    redis.delete(slot_key("sms", 1))
    queue(redis, "sms").empty()
    pool = ProviderPool(config)
    try:
        counts = drain_channel(db.session, redis, config, pool, "sms", budget_seconds=0)
    finally:
        pool.close()
    assert counts == {"sent": 50}
    assert redis.exists(slot_key("sms", 0))
    assert [job.args for job in queue(redis, "sms").jobs] == [("sms", 1), ("sms", 0)]
    drain()
    assert statuses(db) == {"sent": SENDS}
