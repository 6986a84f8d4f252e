"""Delivery receipts over real sockets: the simulators call our signed webhooks."""
import threading
import time

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.channels.pool import ProviderPool
from app.config import Config
from app.core.delivery.deliver import deliver_batch
from app.core.delivery.dispatch import SendRequest, accept
from app.core.ops import inbox
from app.extensions import db as _db
from app.models import Event, Notification, NotificationStatus, Suppression
from tests import factories
from tests.sandbox_client import Sandbox, free_port


@pytest.fixture(scope="module")
def port():
    return free_port()


@pytest.fixture(scope="module")
def reporting_sandbox(tmp_path_factory, port):
    box = Sandbox(tmp_path_factory.mktemp("callbacks"), callbacks_to=f"http://127.0.0.1:{port}")
    yield box
    box.stop()


@pytest.fixture()
def live(app, reporting_sandbox, port):
    """The app on a real port, with BASE_URL (and so the webhooks) pointing at it."""
    config = Config(**{**vars(app.extensions["herald_config"]),
                       "BASE_URL": f"http://127.0.0.1:{port}", "EMAIL_PROVIDERS": "sendgrid",
                       "SENDGRID_WEBHOOK_PUBLIC_KEY": reporting_sandbox.webhook_public_key(),
                       **reporting_sandbox.config_overrides()})
    served = create_app(config)
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    thread.join(timeout=5)


CONTENT = {"sms": {"text": "Your code is 123456"},
           "email": {"subject": "Your code", "text": "It is 123456"}}


def send(app, channel: str = "sms") -> Notification:
    config, redis = app.extensions["herald_config"], app.extensions["redis"]
    with app.app_context():
        factories.category(quiet_hours=False)
        factories.contact()
        accepted = accept(_db.session, redis, config, SendRequest(
            recipients=["user-1"], category="orders", channels=[channel], content=CONTENT))
        _db.session.commit()
        [row] = accepted.notifications
        deliver_batch(_db.session, redis, config, ProviderPool(config), channel, [str(row.id)])
        return row.id


def wait_for_status(app, notification_id, status: str, timeout: float = 10) -> Notification:
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            _db.session.expire_all()
            row = _db.session.get(Notification, notification_id)
            if row.status == status:
                return row
            time.sleep(0.1)
    pytest.fail(f"still {row.status}, never {status}")


def test_sent_sms_becomes_delivered(live, db):
    notification_id = send(live)
    row = wait_for_status(live, notification_id, "delivered")
    assert row.delivered_at is not None
    history = db.session.scalars(select(NotificationStatus.status).where(
        NotificationStatus.notification_id == notification_id).order_by(NotificationStatus.id))
    assert list(history) == ["queued", "sending", "sent", "delivered"]
    assert db.session.scalars(select(Event.kind)).all() == ["delivered"]


def test_landline_is_undelivered_and_suppressed(live, db, reporting_sandbox):
    reporting_sandbox.fail("twilio", "30006")  # accepted now, reported undeliverable later
    notification_id = send(live)
    row = wait_for_status(live, notification_id, "failed")
    assert row.error_code == "30006"
    [suppression] = db.session.scalars(select(Suppression))
    assert (suppression.address, suppression.reason) == ("+14155550100", "hard_bounce")


def test_unreachable_handset_fails_once_without_suppressing(live, db, reporting_sandbox):
    reporting_sandbox.fail("twilio", "30003")
    notification_id = send(live)
    assert wait_for_status(live, notification_id, "failed").error_code == "30003"
    assert db.session.scalars(select(Suppression)).all() == []
    assert db.session.scalars(select(Event.kind)).all() == ["undelivered"]


def test_sent_email_becomes_delivered_through_signed_events(live, db):
    notification_id = send(live, "email")
    row = wait_for_status(live, notification_id, "delivered")
    assert row.provider == "sendgrid" and row.delivered_at is not None
    assert db.session.scalars(select(Event.kind)).all() == ["delivered"]


def test_bounced_email_fails_and_suppresses_the_address(live, db, reporting_sandbox):
    reporting_sandbox.fail("sendgrid", "bounce")
    notification_id = send(live, "email")
    assert wait_for_status(live, notification_id, "failed").error_code == "5.1.1"
    [suppression] = db.session.scalars(select(Suppression))
    assert (suppression.address, suppression.reason) == ("ada@example.com", "hard_bounce")


@pytest.mark.parametrize("channel, events", [("sms", ["sent", "delivered"]),
                                             ("email", ["processed", "delivered"])])
def test_the_sandbox_inbox_shows_the_webhooks_each_message_triggered(live, db, channel, events):
    notification_id = send(live, channel)
    wait_for_status(live, notification_id, "delivered")
    config = live.extensions["herald_config"]
    deadline = time.monotonic() + 5
    while True:  # the simulator notes a webhook once our answer to it is back
        message = inbox.fetch(config, channel)["messages"][0]  # the newest
        if len(message.webhooks) == len(events) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [w["event"] for w in message.webhooks] == events
    assert {w["status"] for w in message.webhooks} < {200, 204}
    inbox.link_notifications(db.session, [message])
    assert message.notification_id == notification_id
