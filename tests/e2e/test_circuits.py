"""Circuit breakers against the simulators set to fail: open, fail over, probe, close."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.channels.base import SendResult, TransientError
from app.channels.pool import ProviderPool
from app.core.delivery import circuits
from app.core.delivery.circuits import Breakers
from app.core.delivery.deliver import deliver_batch
from app.core.ops.alerts import recent_alerts
from app.models import Notification
from app.models.types import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("app_ctx")
SMS = {"text": "Hi"}


@pytest.fixture()
def pool(config):
    pool = ProviderPool(config)
    yield pool
    pool.close()


def queued_sms(db, count: int) -> list[str]:
    factories.category()
    contact = factories.contact()
    rows = [factories.notification(contact, channel="sms", status="queued", content=SMS,
                                   address=f"+1415555{n:04d}") for n in range(count)]
    return [str(r.id) for r in rows]


def sent_by(db) -> dict[str, str]:
    db.session.expire_all()
    return {str(n.id): (n.status, n.provider)
            for n in db.session.scalars(select(Notification))}


def test_consecutive_failures_open_the_circuit_and_sms_fails_over_to_vonage(
        db, redis, config, sandbox, pool):
    sandbox.fail("twilio", "503", times=1000)
    ids = queued_sms(db, config.CIRCUIT_FAILURES)
    deliver_batch(db.session, redis, config, pool, "sms", ids)
    # Every Twilio failure went on to Vonage, and the run of failures opened the circuit.
    assert set(sent_by(db).values()) == {("sent", "vonage")}
    assert Breakers(redis, config).state("twilio").state == circuits.OPEN
    [alert] = recent_alerts(redis)
    assert (alert["kind"], alert["provider"]) == ("circuit_open", "twilio")
    twilio_calls = len(sandbox.received("twilio"))  # accepted ones only: none
    assert twilio_calls == 0

    more = queued_sms_more(db, 3)
    sandbox.reset()  # Twilio is healthy again, but the circuit is still open
    deliver_batch(db.session, redis, config, pool, "sms", more)
    assert sandbox.received("twilio") == []
    assert len(sandbox.received("vonage")) == 3
    assert {sent_by(db)[i] for i in more} == {("sent", "vonage")}


def queued_sms_more(db, count: int) -> list[str]:
    contact = factories.contact(external_id="user-2", email="bob@example.com",
                                phone="+14155550199")
    rows = [factories.notification(contact, channel="sms", status="queued", content=SMS,
                                   address=f"+1415666{n:04d}") for n in range(count)]
    return [str(r.id) for r in rows]


def test_after_the_cool_down_one_probe_closes_the_circuit(db, redis, config, sandbox, pool):
    breakers = Breakers(redis, config)
    failing = [SendResult("x", error=TransientError("down", code="503"))]
    for _ in range(config.CIRCUIT_FAILURES):
        breakers.record("twilio", failing)
    assert breakers.state("twilio").state == circuits.OPEN
    ids = queued_sms(db, 4)
    later = utcnow() + timedelta(seconds=config.CIRCUIT_COOLDOWN_SECONDS + 1)
    deliver_batch(db.session, redis, config, pool, "sms", ids, now=later)
    # The probe (one message) went through Twilio, which closed the circuit: all four did.
    assert set(sent_by(db).values()) == {("sent", "twilio")}
    assert len(sandbox.received("twilio")) == 4 and sandbox.received("vonage") == []
    assert breakers.state("twilio").state == circuits.CLOSED


def test_a_failed_probe_opens_the_circuit_again_and_the_rest_fail_over(
        db, redis, config, sandbox, pool):
    clock = [1000.0]
    breakers = Breakers(redis, config, clock=lambda: clock[0])
    for _ in range(config.CIRCUIT_FAILURES):
        breakers.record("twilio", [SendResult("x", error=TransientError("down", code="503"))])
    clock[0] += config.CIRCUIT_COOLDOWN_SECONDS + 1
    assert breakers.allow("twilio") == circuits.PROBE
    assert breakers.allow("twilio") == circuits.OPEN  # one probe at a time, across workers
    breakers.record("twilio", [SendResult("x", error=TransientError("down", code="503"))])
    assert breakers.state("twilio").state == circuits.OPEN
    assert breakers.state("twilio").opened == 2
    assert breakers.allow("twilio") == circuits.OPEN  # a fresh cool-down


def test_an_error_rate_over_the_window_opens_the_circuit(redis, config):
    clock = [1000.0]
    breakers = Breakers(redis, config, clock=lambda: clock[0])
    ok, bad = SendResult("a"), SendResult("b", error=TransientError("down", code="500"))
    half = config.CIRCUIT_MIN_REQUESTS // 2
    # Alternating answers never make a run of failures, but half of them failed.
    for _ in range(half - 1):
        assert breakers.record("sendgrid", [ok, bad]) == circuits.CLOSED
    assert breakers.record("sendgrid", [ok, bad]) == circuits.OPEN


def test_the_window_forgets_old_failures(redis, config):
    clock = [1000.0]
    breakers = Breakers(redis, config, clock=lambda: clock[0])
    ok, bad = SendResult("a"), SendResult("b", error=TransientError("down", code="500"))
    for _ in range(config.CIRCUIT_MIN_REQUESTS // 2 - 1):
        breakers.record("sendgrid", [ok, bad])
    clock[0] += config.CIRCUIT_WINDOW_SECONDS
    assert breakers.record("sendgrid", [ok, bad]) == circuits.CLOSED


def test_permanent_errors_and_our_own_waits_do_not_count(redis, config):
    from app.channels.base import PermanentError

    breakers = Breakers(redis, config)
    own = SendResult("a", error=TransientError("open", code="circuit_open"))
    permanent = SendResult("b", error=PermanentError("bad number", code="21211"))
    for _ in range(config.CIRCUIT_FAILURES * 2):
        breakers.record("twilio", [own])
        breakers.record("twilio", [permanent])
    assert breakers.state("twilio").state == circuits.CLOSED


def test_an_open_last_provider_retries_later_without_calling_it(db, redis, config, sandbox,
                                                                pool, monkeypatch):
    monkeypatch.setattr(config, "SMS_PROVIDERS", ("twilio",))
    breakers = Breakers(redis, config)
    for _ in range(config.CIRCUIT_FAILURES):
        breakers.record("twilio", [SendResult("x", error=TransientError("down", code="503"))])
    [nid] = queued_sms(db, 1)
    deliver_batch(db.session, redis, config, pool, "sms", [nid])
    row = db.session.scalar(select(Notification))
    assert (row.status, row.provider, row.error_code) == ("retrying", "twilio", "circuit_open")
    assert sandbox.received("twilio") == []
