"""One send entry for the API and the console: idempotency is the same for both."""
import pytest

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM, Actor
from app.core.access.operators import create_operator
from app.core.delivery.dispatch import SendRequest
from app.core.delivery.send import send
from app.models import Notification
from tests import factories


@pytest.fixture()
def request_(db):
    factories.category()
    factories.contact()
    db.session.commit()
    return SendRequest(recipients=["user-1"], category="orders", channels=["sms"],
                       content={"sms": {"text": "Hello"}})


def actors(db) -> list[Actor]:
    key, _ = create_api_key(db.session, "k", ["send"], actor=SYSTEM)
    operator = create_operator(db.session, "editor@example.com", "editor", password="x" * 12)
    return [Actor.of(key), Actor.of(operator)]


def test_a_repeat_replays_the_first_response_for_an_api_key_and_an_operator(db, redis, config,
                                                                            request_):
    for actor in actors(db):
        first = send(db.session, redis, config, request_, idempotency_key="k", actor=actor)
        db.session.commit()
        again = send(db.session, redis, config, request_, idempotency_key="k", actor=actor)
        db.session.rollback()
        assert not first.replayed and again.replayed
        assert (again.status, again.body) == (first.status, first.body)
    rows = db.session.query(Notification).all()
    assert sorted(r.source for r in rows) == ["api", "console"]  # one each: keys are per owner


def test_an_event_id_is_a_key_too(db, redis, config, request_):
    [key, _] = actors(db)
    request_.event_id = "order-42"
    send(db.session, redis, config, request_, actor=key)
    db.session.commit()
    assert send(db.session, redis, config, request_, actor=key).replayed
    db.session.rollback()
