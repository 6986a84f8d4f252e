"""Idempotency keys: claim, replay, reuse with another request, expiry, races."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.core.delivery import idempotency
from app.core.delivery.dispatch import SendRequest
from app.core.delivery.send import idempotency_payload
from app.models import IdempotencyKey
from app.models.types import utcnow

TTL = 3600


@pytest.fixture()
def key_id(db):
    key, _ = create_api_key(db.session, "k", ["send"], actor=SYSTEM)
    db.session.commit()
    return key.id


def test_claim_store_replay(db, key_id):
    assert idempotency.claim(db.session, key_id, "k1", "hash-a", TTL) is None
    idempotency.store(db.session, key_id, "k1", 202, {"notifications": []})
    db.session.commit()
    stored = idempotency.claim(db.session, key_id, "k1", "hash-a", TTL)
    assert stored == idempotency.StoredResponse(202, {"notifications": []})


def test_same_key_other_request_is_refused(db, key_id):
    idempotency.claim(db.session, key_id, "k1", "hash-a", TTL)
    idempotency.store(db.session, key_id, "k1", 202, {})
    db.session.commit()
    with pytest.raises(idempotency.KeyReused) as caught:
        idempotency.claim(db.session, key_id, "k1", "hash-b", TTL, field={"field": "/event_id"})
    assert caught.value.status == 422 and caught.value.errors[0]["field"] == "/event_id"


def test_unfinished_row_is_in_flight(db, key_id):
    idempotency.claim(db.session, key_id, "k1", "hash-a", TTL)
    db.session.commit()  # committed without a response: the first request is still running
    with pytest.raises(idempotency.RequestInFlight):
        idempotency.claim(db.session, key_id, "k1", "hash-a", TTL)


def test_expired_key_is_claimed_afresh_and_purged(db, key_id):
    past = utcnow() - timedelta(hours=2)
    idempotency.claim(db.session, key_id, "k1", "hash-a", TTL, now=past)
    idempotency.claim(db.session, key_id, "k2", "hash-a", TTL, now=past)
    db.session.commit()
    assert idempotency.claim(db.session, key_id, "k1", "hash-b", TTL) is None
    assert idempotency.purge_expired(db.session) == 1
    db.session.commit()
    assert list(db.session.scalars(select(IdempotencyKey.key))) == ["k1"]


@pytest.mark.postgresql  # row-lock waits
def test_a_racing_duplicate_waits_for_the_first_and_replays(db, app, key_id):
    engine, outcome = db.engine, {}

    def duplicate():
        try:
            with Session(engine) as second:
                outcome["stored"] = idempotency.claim(second, key_id, "k1", "hash-a", TTL)
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    with Session(engine) as first:
        assert idempotency.claim(first, key_id, "k1", "hash-a", TTL) is None
        thread = threading.Thread(target=duplicate)
        thread.start()
        thread.join(0.3)
        blocked = thread.is_alive()  # waiting on the unique index until the first commits
        idempotency.store(first, key_id, "k1", 202, {"ok": True})
        first.commit()
    thread.join(5)
    assert blocked, outcome
    assert outcome == {"stored": idempotency.StoredResponse(202, {"ok": True})}


def test_lock_is_exclusive_and_released_only_by_its_owner(redis):
    token = idempotency.lock(redis, 1, "k1")
    with pytest.raises(idempotency.RequestInFlight):
        idempotency.lock(redis, 1, "k1")
    assert idempotency.lock(redis, 2, "k1")  # another API key
    idempotency.unlock(redis, 1, "k1", "not-the-owner")
    with pytest.raises(idempotency.RequestInFlight):
        idempotency.lock(redis, 1, "k1")
    idempotency.unlock(redis, 1, "k1", token)
    assert idempotency.lock(redis, 1, "k1")


def test_request_keys_and_fingerprint():
    assert idempotency.request_keys("h", "e") == ["h", "event:e"]  # both count
    assert idempotency.request_keys(None, "e") == ["event:e"]
    assert idempotency.request_keys("event:e", "e") == ["event:e"]
    assert idempotency.request_keys(None, None) == []
    a = idempotency.fingerprint("POST", "/x", {"a": 1, "b": 2})
    assert a == idempotency.fingerprint("POST", "/x", {"b": 2, "a": 1})
    assert a != idempotency.fingerprint("POST", "/x", {"a": 1, "b": 3})


def test_a_request_s_fingerprint_is_what_it_asks_not_how_it_was_counted():
    request = SendRequest(["user-1"], "orders", ["sms"], content={"sms": {"text": "Hi"}})
    before = idempotency_payload(request)
    request.counted_as = "counted-once"  # as a rate limit sets it when it is accepted
    assert idempotency_payload(request) == before
