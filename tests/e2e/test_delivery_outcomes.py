"""Delivery outcomes end to end: Retry-After honoured, permanent errors final, erasure."""
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select

from app.models import Notification, NotificationStatus, Suppression
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import history, send

pytestmark = pytest.mark.usefixtures("app_ctx")
SMS = {"sms": {"text": "Hi"}}


@pytest.fixture()
def ada(db, config, monkeypatch):
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")  # no failover: see each outcome
    factories.category()
    return factories.contact()


def test_retry_waits_at_least_the_providers_retry_after(client, api_headers, drain, sandbox,
                                                        db, ada):
    sandbox.fail("twilio", "429", retry_after=120)
    before = utcnow()
    [sent] = send(client, api_headers, channels=["sms"], content=SMS)
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.error_code, row.attempts) == ("retrying", "20429", 1)
    assert (row.due_at - before).total_seconds() >= 120  # backoff alone is < 0.1 s here
    drain(sweep_first=True)  # not due yet: nothing is sent again
    assert db.session.get(Notification, UUID(sent["id"])).status == "retrying"
    assert sandbox.received("twilio") == []


def test_a_permanent_error_fails_at_once_without_suppressing(client, api_headers, drain,
                                                             sandbox, db, ada):
    sandbox.fail("twilio", "21408")  # region not enabled: our problem, not the number's
    [sent] = send(client, api_headers, channels=["sms"], content=SMS)
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.attempts, row.error_code) == ("failed", 1, "21408")
    assert row.failed_at is not None and row.due_at is None
    assert history(db, row.id) == ["queued", "sending", "failed"]
    assert db.session.scalar(select(Suppression)) is None


def test_erasure_removes_the_number_quoted_in_provider_errors(client, api_headers, drain,
                                                               sandbox, db, ada):
    sandbox.fail("twilio", "21211")
    [sent] = send(client, api_headers, channels=["sms"], content=SMS)
    drain()
    details = db.session.scalars(select(NotificationStatus.detail)).all()
    assert any("+14155550100" in (d or "") for d in details)

    assert client.delete("/api/v1/contacts/user-1", headers=api_headers).status_code == 204
    db.session.expire_all()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.contact_id, row.address, row.error_message) == (None, None, None)
    assert (row.status, row.error_code) == ("failed", "21211")  # the log keeps the outcome
    statuses = db.session.execute(select(NotificationStatus.status, NotificationStatus.error_code,
                                         NotificationStatus.detail)
                                  .order_by(NotificationStatus.id)).all()
    assert [tuple(s) for s in statuses] == [("queued", None, None), ("sending", None, None),
                                             ("failed", "21211", None)]


def later(client, headers, channels, content, category="orders"):
    """Send for an hour from now; return the held row's id and when it is due."""
    send_at = (utcnow() + timedelta(hours=1)).isoformat()
    [held] = send(client, headers, channels=channels, content=content, send_at=send_at,
                  category=category)
    assert held["status"] == "accepted"
    return UUID(held["id"]), utcnow() + timedelta(hours=1, seconds=5)


def test_an_opt_out_during_the_hold_suppresses_at_send_time(client, api_headers, drain,
                                                            sandbox, db, ada):
    factories.category("security", critical=True)
    held, due = later(client, api_headers, ["sms"], SMS)
    critical, _ = later(client, api_headers, ["sms"], SMS, category="security")
    response = client.put("/api/v1/contacts/user-1/preferences", headers=api_headers,
                          json={"categories": {"orders": {"sms": False},
                                               "security": {"sms": False}}})
    assert response.status_code == 200, response.get_json()
    drain(sweep_first=True, now=due)
    row = db.session.get(Notification, held)
    assert (row.status, row.reason, row.attempts) == ("suppressed", "opted_out", 0)
    assert history(db, held) == ["accepted", "queued", "sending", "suppressed"]
    assert db.session.get(Notification, critical).status == "sent"  # critical bypasses
    assert len(sandbox.received("twilio")) == 1


def test_a_stop_during_the_hold_suppresses_even_critical(client, api_headers, drain, sandbox,
                                                         db, ada):
    factories.category("security", critical=True)
    held, due = later(client, api_headers, ["sms"], SMS, category="security")
    db.session.add(Suppression(channel="sms", address="+14155550100", reason="stop"))
    db.session.commit()
    drain(sweep_first=True, now=due)
    row = db.session.get(Notification, held)
    assert (row.status, row.reason) == ("suppressed", "suppressed_address")
    assert sandbox.received("twilio") == []


def test_an_unregistered_device_gets_no_held_push(client, api_headers, drain, sandbox, db,
                                                  ada):
    device = factories.device(ada, "android", "fcm-token-held-0001")
    held, due = later(client, api_headers, ["push"], {"push": {"title": "Hi"}})
    response = client.delete(f"/api/v1/contacts/user-1/devices/{device.id}",
                             headers=api_headers)
    assert response.status_code == 204
    drain(sweep_first=True, now=due)
    row = db.session.get(Notification, held)
    assert (row.status, row.reason) == ("suppressed", "device_inactive")
    assert sandbox.received("fcm") == []


@pytest.mark.parametrize("registered, stays_active", [(timedelta(hours=-1), False),
                                                      (timedelta(hours=1), True)])
def test_apns_unregistered_keeps_a_token_registered_again_after_it_died(
        client, api_headers, drain, sandbox, db, ada, registered, stays_active):
    device = factories.device(ada, "ios", factories.APNS_TOKEN,
                              last_seen_at=utcnow() + registered)
    sandbox.fail("apns", "Unregistered")
    [sent] = send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.error_code) == ("failed", "Unregistered")
    db.session.refresh(device)
    assert device.active is stays_active
