"""What providers report back suppresses the address, and the next send to it is stopped:
SendGrid hard bounces and spam complaints, Twilio's dead-number receipts, Vonage's barred
numbers and an inbound STOP."""
from uuid import UUID

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, Suppression
from tests import factories
from tests.helpers.api import send
from tests.tracking import conftest as tracking
from tests.tracking.signing import inbound, sendgrid_event, sendgrid_post, twilio_post

pytestmark = pytest.mark.usefixtures("app_ctx")
sendgrid_key = tracking.sendgrid_key  # the webhook tests' signing key, as a fixture here


@pytest.fixture()
def ada(db):
    factories.category("news", marketing=True)
    return factories.contact()


def send_one(client, api_headers, drain, channel: str, text: str = "Hi") -> Notification:
    """Send through the API and the worker; return the row as the worker left it."""
    content = {"email": {"subject": text, "text": text}, "sms": {"text": text}}[channel]
    [sent] = send(client, api_headers, channels=[channel], category="news",
                  content={channel: content})
    drain()
    return db.session.get(Notification, UUID(sent["id"]))


def next_send_is_stopped(client, api_headers, drain, channel: str) -> None:
    row = send_one(client, api_headers, drain, channel, text="Later")
    assert (row.status, row.reason) == ("suppressed", "suppressed_address")


@pytest.mark.parametrize("event, reason", [
    ({"event": "bounce", "type": "bounce", "status": "5.1.1"}, "hard_bounce"),
    ({"event": "spamreport"}, "complaint"),
])
def test_sendgrid_bounce_and_complaint_suppress_the_address(
        client, api_headers, drain, db, sendgrid_key, ada, event, reason):
    first = send_one(client, api_headers, drain, "email")
    assert first.status == "sent"
    kind = event.pop("event")
    response = sendgrid_post(client, sendgrid_key, [sendgrid_event(kind, first.id, **event)])
    assert response.status_code == 200
    assert db.session.execute(select(Suppression.channel, Suppression.address,
                                     Suppression.reason)).all() == [
        ("email", "ada@example.com", reason)]
    next_send_is_stopped(client, api_headers, drain, "email")


def test_twilio_dead_number_receipt_suppresses_the_number(client, api_headers, drain, db,
                                                          config, ada):
    first = send_one(client, api_headers, drain, "sms")
    params = {"MessageSid": first.provider_message_id, "MessageStatus": "undelivered",
              "ErrorCode": "30006"}
    assert twilio_post(client, config, "/hooks/twilio", params).status_code == 204
    assert db.session.scalar(select(Suppression.reason)) == "hard_bounce"
    next_send_is_stopped(client, api_headers, drain, "sms")


def test_vonage_barred_number_is_suppressed(client, api_headers, drain, db, sandbox, config,
                                            ada, monkeypatch):
    monkeypatch.setattr(config, "SMS_PROVIDERS", "vonage")
    sandbox.fail("vonage", "7")
    first = send_one(client, api_headers, drain, "sms")
    assert (first.status, first.provider) == ("failed", "vonage")
    assert db.session.scalar(select(Suppression.address)) == "+14155550100"
    next_send_is_stopped(client, api_headers, drain, "sms")


def test_inbound_stop_stops_the_next_sms(client, api_headers, drain, db, config, ada):
    assert send_one(client, api_headers, drain, "sms").status == "sent"
    twilio_post(client, config, "/hooks/twilio/inbound", inbound("OPTOUT"))
    next_send_is_stopped(client, api_headers, drain, "sms")
