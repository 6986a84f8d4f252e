"""Sending through the API (202, rows, queue), idempotency, and reading the log."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from app.api.schemas.notifications import NotificationsAccepted
from app.core.delivery import idempotency
from app.extensions import redis_from_url
from app.models import IdempotencyKey, Notification
from app.models.types import utcnow
from app.queues import queue
from tests import factories
from tests.helpers.api import assert_problem

SMS = {"recipients": ["user-1"], "category": "orders", "channels": ["sms"],
       "content": {"sms": {"text": "Order {{ order }} shipped"}}, "data": {"order": "A-1"}}


def notifications(in_db) -> int:
    return in_db(lambda s: s.scalar(select(func.count()).select_from(Notification)))


def send(client, headers, body=SMS, **extra):
    return client.post("/api/v1/notifications", json=body, headers={**headers, **extra})


def test_send_writes_rows_and_queues_them(client, auth, ada, in_db, redis):
    seed_device = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                              json={"platform": "android", "token": "f" * 40})
    assert seed_device.status_code == 201
    response = client.post("/api/v1/notifications", headers=auth, json={
        "recipients": ["user-1"], "category": "orders", "template": "welcome",
        "data": {"order": "A-1"}})
    assert response.status_code == 202, response.get_json()
    sent = response.get_json()["notifications"]
    assert sorted((n["contact"], n["channel"], n["status"]) for n in sent) == [
        ("user-1", "email", "queued"), ("user-1", "push", "queued"), ("user-1", "sms", "queued")]
    rows = in_db(lambda s: {n.channel: n for n in s.scalars(select(Notification))})
    assert rows["sms"].content == {"text": "Order A-1 shipped"}
    assert rows["sms"].address == "+14155550100" and rows["sms"].api_key_id is not None
    assert {str(r.id) for r in rows.values()} == {n["id"] for n in sent}
    assert [queue(redis, ch).count for ch in ("push", "sms", "email")] == [1, 1, 1]


def test_suppressed_outcomes_are_reported(client, auth, ada):
    body = {**SMS, "category": "marketing"}  # opt-in-only category, no choice made
    [row] = send(client, auth, body).get_json()["notifications"]
    assert (row["status"], row["reason"]) == ("suppressed", "opted_out")


def test_later_send_at_is_accepted_not_queued(client, auth, ada, redis):
    later = (utcnow() + timedelta(hours=2)).isoformat()
    [row] = send(client, auth, {**SMS, "send_at": later}).get_json()["notifications"]
    assert row["status"] == "accepted" and row["send_at"].startswith(later[:16])
    assert queue(redis, "sms").count == 0


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=5, minutes=30)])
def test_the_202_body_is_the_schema_written_as_json(client, auth, ada, offset):
    later = (utcnow() + timedelta(hours=2)).astimezone(timezone(offset))
    content = {**SMS["content"], "push": {"title": "Shipped", "body": "On its way"}}
    body = {**SMS, "channels": ["sms", "push"], "content": content,
            "send_at": later.isoformat()}
    sent = send(client, auth, body).get_json()
    assert sent == NotificationsAccepted.model_validate(sent).model_dump(mode="json")
    assert {(n["channel"], n["status"], n["reason"]) for n in sent["notifications"]} == {
        ("sms", "accepted", None), ("push", "suppressed", "no_address")}
    assert {datetime.fromisoformat(n["send_at"]) for n in sent["notifications"]} == {later}


def test_repeat_with_the_same_key_replays_and_sends_nothing(client, auth, ada, in_db, redis):
    first = send(client, auth, SMS, **{"Idempotency-Key": "order-A-1"})
    again = send(client, auth, SMS, **{"Idempotency-Key": "order-A-1"})
    assert first.status_code == again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert notifications(in_db) == 1 and queue(redis, "sms").count == 1

    changed = send(client, auth, {**SMS, "data": {"order": "A-2"}},
                   **{"Idempotency-Key": "order-A-1"})
    problem = assert_problem(changed, 422)
    assert problem["type"].endswith("/idempotency-key-reused")
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert notifications(in_db) == 1


def test_event_id_is_a_key_too(client, auth, ada, in_db):
    body = {**SMS, "event_id": "evt-1"}
    assert send(client, auth, body).status_code == 202
    assert send(client, auth, body).headers.get("Idempotent-Replayed") == "true"
    problem = assert_problem(send(client, auth, {**body, "channels": ["sms", "email"],
                                                 "content": {**SMS["content"], "email": {
                                                     "subject": "x", "text": "y"}}}), 422)
    assert problem["errors"][0]["field"] == "/event_id"
    assert notifications(in_db) == 1


@pytest.mark.parametrize("repeat_key", ["order-A-2", None, "order-A-1"],
                         ids=["another key", "no key", "same key"])
def test_event_id_counts_whatever_the_idempotency_key(client, auth, ada, in_db, redis,
                                                       repeat_key):
    body = {**SMS, "event_id": "evt-7"}
    first = send(client, auth, body, **{"Idempotency-Key": "order-A-1"})
    again = send(client, auth, body, **({"Idempotency-Key": repeat_key} if repeat_key else {}))
    assert first.status_code == again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"

    changed = {**body, "data": {"order": "A-2"}}
    headers = {"Idempotency-Key": "order-A-3"} if repeat_key != "order-A-1" else {
        "Idempotency-Key": repeat_key}
    problem = assert_problem(send(client, auth, changed, **headers), 422)
    assert problem["type"].endswith("/idempotency-key-reused")
    assert notifications(in_db) == 1 and queue(redis, "sms").count == 1


def test_a_replayed_key_with_a_new_event_id_sends_nothing(client, auth, ada, in_db):
    send(client, auth, {**SMS, "event_id": "evt-8"}, **{"Idempotency-Key": "k-8"})
    problem = assert_problem(send(client, auth, {**SMS, "event_id": "evt-9"},
                                  **{"Idempotency-Key": "k-8"}), 422)
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert notifications(in_db) == 1
    # The refused request left no claim on evt-9: it can be sent on its own.
    assert send(client, auth, {**SMS, "event_id": "evt-9"}).status_code == 202
    assert notifications(in_db) == 2


def test_keys_are_per_api_key(client, make_key, ada, in_db):
    for name in ("shop", "billing"):
        _, headers = make_key(["send"], name=name)
        assert send(client, headers, SMS, **{"Idempotency-Key": "k1"}).status_code == 202
    assert notifications(in_db) == 2


def test_concurrent_duplicate_is_409(client, make_key, ada, in_db, redis):
    key_id, headers = make_key(["send"])
    token = idempotency.lock(redis, key_id, "k1")  # another request is running
    problem = assert_problem(send(client, headers, SMS, **{"Idempotency-Key": "k1"}), 409)
    assert problem["type"].endswith("/request-in-flight")
    idempotency.unlock(redis, key_id, "k1", token)
    assert send(client, headers, SMS, **{"Idempotency-Key": "k1"}).status_code == 202
    assert notifications(in_db) == 1


def test_an_expired_key_sends_again(client, auth, ada, in_db):
    assert send(client, auth, SMS, **{"Idempotency-Key": "k1"}).status_code == 202

    def expire(session):
        session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()

    in_db(expire)
    again = send(client, auth, SMS, **{"Idempotency-Key": "k1"})
    assert again.status_code == 202 and "Idempotent-Replayed" not in again.headers
    assert notifications(in_db) == 2
    assert in_db(lambda s: s.scalar(select(func.count()).select_from(IdempotencyKey))) == 1


def test_a_failed_send_leaves_no_key(client, auth, ada, in_db):
    bad = {**SMS, "recipients": ["ghost"]}
    assert_problem(send(client, auth, bad, **{"Idempotency-Key": "k1"}), 422)
    assert in_db(lambda s: s.scalar(select(IdempotencyKey))) is None
    assert send(client, auth, SMS, **{"Idempotency-Key": "k1"}).status_code == 202


def test_redis_outage_still_accepts(client, auth, ada, app, in_db, monkeypatch):
    monkeypatch.setitem(app.extensions, "redis", redis_from_url("redis://127.0.0.1:1/0"))
    response = send(client, auth, SMS, **{"Idempotency-Key": "k1"})
    assert response.status_code == 202, response.get_json()
    assert in_db(lambda s: s.scalar(select(Notification.status))) == "queued"
    assert send(client, auth, SMS, **{"Idempotency-Key": "k1"}).headers[
        "Idempotent-Replayed"] == "true"
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json()["redis"] == "unreachable"


def test_read_one_with_its_history(client, auth, ada):
    [sent] = send(client, auth).get_json()["notifications"]
    body = client.get(f"/api/v1/notifications/{sent['id']}", headers=auth).get_json()
    assert (body["contact"], body["channel"], body["category"], body["status"]) == (
        "user-1", "sms", "orders", "queued")
    assert body["content"] == {"text": "Order A-1 shipped"}
    assert [h["status"] for h in body["history"]] == ["queued"]
    assert_problem(client.get("/api/v1/notifications/0190f2c4-0000-7000-8000-000000000000",
                              headers=auth), 404)
    assert_problem(client.get("/api/v1/notifications/not-a-uuid", headers=auth), 404)


@pytest.fixture()
def log(client, auth, ada, seed):
    seed(factories.contact, "user-2", email="bob@example.com", phone="+14155550101")
    ids = []
    for recipients, channels in ((["user-1"], ["sms"]), (["user-2"], ["sms", "email"]),
                                 (["user-1", "user-2"], ["email"])):
        body = {**SMS, "recipients": recipients, "channels": channels,
                "content": {"sms": {"text": "x"}, "email": {"subject": "s", "text": "t"}}}
        ids += [n["id"] for n in send(client, auth, body).get_json()["notifications"]]
    return ids  # oldest first


def listed(client, auth, query=""):
    response = client.get(f"/api/v1/notifications?{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_list_is_newest_first_and_pages(client, auth, log):
    seen, cursor = [], None
    while True:
        page = listed(client, auth, "limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [n["id"] for n in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(log))


def test_list_filters(client, auth, log):
    def ids(query):
        return [(n["contact"], n["channel"]) for n in listed(client, auth, query)["data"]]

    assert ids("contact=user-1") == [("user-1", "email"), ("user-1", "sms")]
    assert ids("channel=sms") == [("user-2", "sms"), ("user-1", "sms")]
    assert ids("channel=sms&contact=user-2&status=queued&status=sent") == [("user-2", "sms")]
    assert ids("category=marketing") == []
    assert ids("created_before=2000-01-01T00:00:00Z") == []
    assert len(ids("created_after=2000-01-01T00:00:00Z")) == 5
