"""API send → queue → worker → provider simulator → recorded outcome, over real sockets."""
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select

from app.core.ops.alerts import recent_alerts
from app.models import Notification, Suppression
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import history, send

pytestmark = pytest.mark.usefixtures("app_ctx")


def statuses(db) -> list[tuple[str, str]]:
    return [(n.channel, n.status) for n in db.session.scalars(select(Notification))]


@pytest.fixture()
def ada(db):
    factories.category()
    contact = factories.contact(attributes={"first_name": "Ada"})
    factories.template()
    return contact


def test_fcm_receives_the_rendered_push(client, api_headers, drain, sandbox, db, ada):
    factories.device(ada, "android", "fcm-token-ada")
    [sent] = send(client, api_headers, channels=["push"], template="welcome",
                  data={"order": "A-1"})
    drain()
    [received] = sandbox.received("fcm")
    message = received["payload"]["message"]
    assert message["token"] == "fcm-token-ada"
    assert message["notification"] == {"title": "Hi Ada", "body": "Order A-1 shipped"}
    assert message["data"]["herald_id"] == sent["id"]
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.provider, row.attempts) == ("sent", "fcm", 1)
    assert row.provider_message_id.startswith("projects/")
    assert history(db, row.id) == ["queued", "sending", "sent"]


def test_apns_receives_the_push_over_http2(client, api_headers, drain, sandbox, db, ada):
    factories.device(ada, "ios", factories.APNS_TOKEN)
    send(client, api_headers, channels=["push"], template="welcome", data={"order": "B-2"})
    drain()
    [received] = sandbox.received("apns")
    assert received["recipient"] == factories.APNS_TOKEN
    assert received["payload"]["aps"]["alert"] == {"title": "Hi Ada", "body": "Order B-2 shipped"}
    assert received["http_version"] == "2"
    assert statuses(db) == [("push", "sent")]


def test_twilio_receives_the_sms(client, api_headers, drain, sandbox, db, ada):
    send(client, api_headers, channels=["sms"], template="welcome", data={"order": "C-3"})
    drain()
    [received] = sandbox.received("twilio")
    assert received["payload"]["To"] == "+14155550100"
    assert received["payload"]["Body"] == "Order C-3 shipped"
    row = db.session.scalar(select(Notification))
    assert (row.status, row.provider) == ("sent", "twilio")
    assert row.provider_message_id.startswith("SM")


def test_sendgrid_receives_the_email(client, api_headers, drain, sandbox, db, ada):
    [sent] = send(client, api_headers, channels=["email"], template="welcome",
                  data={"order": "D-4"})
    drain()
    [received] = sandbox.received("sendgrid")
    payload = received["payload"]
    assert payload["personalizations"][0]["to"][0]["email"] == "ada@example.com"
    contents = {c["type"]: c["value"] for c in payload["content"]}
    assert contents["text/html"] == "<p>Order <b>D-4</b></p>"
    assert contents["text/plain"] == "Order D-4"
    assert sent["id"] in str(payload)  # custom_args carry our id for webhook correlation
    assert statuses(db) == [("email", "sent")]


def test_smtp_receives_the_email(client, api_headers, drain, sandbox, db, config, ada,
                                 monkeypatch):
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", "smtp")
    send(client, api_headers, channels=["email"], template="welcome", data={"order": "E-5"})
    drain()
    [received] = sandbox.received("smtp")
    assert received["recipient"] == "ada@example.com"
    assert received["payload"]["subject"] == "Order E-5"
    assert db.session.scalar(select(Notification)).provider == "smtp"


def test_idempotent_repeat_sends_once(client, api_headers, drain, sandbox, db, ada):
    headers = {**api_headers, "Idempotency-Key": "order-42-shipped"}
    first = send(client, headers, channels=["sms"], content={"sms": {"text": "Shipped"}})
    again = send(client, headers, channels=["sms"], content={"sms": {"text": "Shipped"}})
    drain()
    assert first == again
    assert len(sandbox.received("twilio")) == 1
    assert len(statuses(db)) == 1


def test_event_id_repeat_sends_once(client, api_headers, drain, sandbox, db, ada):
    body = {"channels": ["sms"], "content": {"sms": {"text": "Hi"}}, "event_id": "evt-1"}
    send(client, api_headers, **body)
    send(client, api_headers, **body)
    drain()
    assert len(sandbox.received("twilio")) == 1


def test_event_id_repeat_sends_once_whatever_the_idempotency_key(client, api_headers, drain,
                                                                 sandbox, db, ada):
    body = {"channels": ["sms"], "content": {"sms": {"text": "Hi"}}, "event_id": "evt-2"}
    first = send(client, {**api_headers, "Idempotency-Key": "k-1"}, **body)
    for headers in ({"Idempotency-Key": "k-2"}, {}, {"Idempotency-Key": "k-1"}):
        assert send(client, {**api_headers, **headers}, **body) == first
    changed = {**body, "content": {"sms": {"text": "Hi again"}}}
    response = client.post("/api/v1/notifications", headers={**api_headers,
                           "Idempotency-Key": "k-3"}, json={"recipients": ["user-1"],
                                                           "category": "orders", **changed})
    assert response.status_code == 422
    drain()
    assert len(sandbox.received("twilio")) == 1
    assert len(statuses(db)) == 1


def test_opt_out_suppresses(client, api_headers, drain, sandbox, db, ada):
    response = client.put("/api/v1/contacts/user-1/preferences", headers=api_headers,
                          json={"categories": {"orders": {"sms": False}}})
    assert response.status_code == 200, response.get_json()
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    assert (sent["status"], sent["reason"]) == ("suppressed", "opted_out")
    assert sandbox.received("twilio") == []


def test_rate_limit_suppresses_the_n_plus_first(client, api_headers, drain, sandbox, db):
    factories.category("marketing", rate_limits={"sms": {"limit": 2, "per_seconds": 3600}})
    factories.contact()
    body = {"category": "marketing", "channels": ["sms"], "content": {"sms": {"text": "Sale"}}}
    results = [send(client, api_headers, **body)[0]["status"] for _ in range(3)]
    drain()
    assert results == ["queued", "queued", "suppressed"]
    assert len(sandbox.received("twilio")) == 2


def test_429_is_retried_then_delivered(client, api_headers, drain, sandbox, db, ada):
    sandbox.fail("twilio", "429", retry_after=0)
    sandbox.fail("vonage", "1")  # the fallback is throttled too
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert row.status == "retrying" and row.due_at is not None
    drain(sweep_first=True, now=row.due_at + timedelta(seconds=1))
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.attempts) == ("sent", 2)
    assert history(db, row.id) == [
        "queued", "sending", "retrying", "queued", "sending", "sent"]
    assert len(sandbox.received("twilio")) == 1


def test_twilio_outage_fails_over_to_vonage(client, api_headers, drain, sandbox, db, ada):
    sandbox.fail("twilio", "500")
    send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    assert [e["recipient"] for e in sandbox.received("vonage")] == ["+14155550100"]
    row = db.session.scalar(select(Notification))
    assert (row.status, row.provider) == ("sent", "vonage")


def test_invalid_token_deactivates_the_device(client, api_headers, drain, sandbox, db, ada):
    device = factories.device(ada, "android", "stale-token")
    sandbox.fail("fcm", "UNREGISTERED", match="stale-token")
    send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
    drain()
    row = db.session.scalar(select(Notification))
    assert (row.status, row.error_code) == ("failed", "UNREGISTERED")
    db.session.refresh(device)
    assert device.active is False


def test_invalid_number_is_suppressed(client, api_headers, drain, sandbox, db, ada):
    sandbox.fail("twilio", "21211")
    send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    assert db.session.scalar(select(Notification)).status == "failed"
    assert db.session.scalar(select(Suppression.address)) == "+14155550100"


def test_exhausted_retries_go_dead_and_alert(client, api_headers, drain, sandbox, db, config,
                                             redis, ada, monkeypatch):
    monkeypatch.setattr(config, "MAX_ATTEMPTS", 2)
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")
    sandbox.fail("twilio", "503", times=5)
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    drain(sweep_first=True, now=utcnow() + timedelta(hours=2))
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.attempts) == ("dead", 2)
    assert history(db, row.id) == [
        "queued", "sending", "retrying", "queued", "sending", "dead"]
    assert recent_alerts(redis)[0]["ids"] == [sent["id"]]


def test_worker_crash_mid_batch_is_recovered(client, api_headers, drain, sandbox, db, redis,
                                             ada):
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    # A worker claimed the row, lost its job and died before sending; the lease expired.
    redis.flushdb()
    row = db.session.get(Notification, UUID(sent["id"]))
    row.status, row.due_at = "sending", utcnow() - timedelta(seconds=1)
    db.session.commit()
    drain(sweep_first=True)
    assert db.session.get(Notification, UUID(sent["id"])).status == "sent"
    assert len(sandbox.received("twilio")) == 1


def test_redis_outage_at_enqueue_is_swept_later(client, api_headers, drain, sandbox, db,
                                                redis, ada):
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    redis.flushdb()  # as if the enqueue had never reached Redis
    drain()
    assert sandbox.received("twilio") == []
    drain(sweep_first=True, now=utcnow() + timedelta(minutes=5))
    assert db.session.get(Notification, UUID(sent["id"])).status == "sent"
