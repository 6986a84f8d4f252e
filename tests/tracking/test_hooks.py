"""Provider webhooks: signed receipts move rows to delivered/failed; forgeries are refused."""
from sqlalchemy import select

from app.models import Event, NotificationStatus, Suppression
from tests.tracking.signing import inbound, sendgrid_event, sendgrid_post, twilio_post


def test_twilio_delivered_receipt(client, config, db, sent_sms):
    params = {"MessageSid": sent_sms.provider_message_id, "MessageStatus": "delivered"}
    assert twilio_post(client, config, "/hooks/twilio", params).status_code == 204
    db.session.refresh(sent_sms)
    assert sent_sms.status == "delivered" and sent_sms.delivered_at is not None
    assert db.session.scalar(select(NotificationStatus.status)) == "delivered"
    assert db.session.scalar(select(Event.kind)) == "delivered"


def test_twilio_forged_signature_is_refused(client, config, db, sent_sms):
    params = {"MessageSid": sent_sms.provider_message_id, "MessageStatus": "delivered"}
    response = twilio_post(client, config, "/hooks/twilio", params, signature="forged")
    assert response.status_code == 403
    db.session.refresh(sent_sms)
    assert sent_sms.status == "sent"


def test_inbound_stop_then_start(client, config, db):
    params = inbound(" stop ")
    assert twilio_post(client, config, "/hooks/twilio/inbound", params).status_code == 200
    assert db.session.scalar(select(Suppression.reason)) == "stop"
    twilio_post(client, config, "/hooks/twilio/inbound", inbound("START"))
    assert db.session.scalar(select(Suppression)) is None


def test_sendgrid_bounce_fails_and_suppresses(client, db, sendgrid_key, sent_email):
    events = [sendgrid_event("bounce", sent_email.id, reason="550 5.1.1 user unknown"),
              sendgrid_event("open", sent_email.id)]
    assert sendgrid_post(client, sendgrid_key, events).status_code == 200
    db.session.refresh(sent_email)
    assert sent_email.status == "failed"
    assert db.session.scalar(select(Suppression.reason)) == "hard_bounce"
    assert sorted(db.session.scalars(select(Event.kind))) == ["bounced", "opened"]


def test_sendgrid_tampered_body_is_refused(client, db, sendgrid_key, sent_email):
    events = [sendgrid_event("bounce", sent_email.id)]
    assert sendgrid_post(client, sendgrid_key, events, tamper=True).status_code == 403
    assert db.session.scalar(select(Event)) is None
