"""Provider webhooks: signed receipts move rows to delivered/failed; forgeries are refused."""
import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from app.models import Event, Notification, NotificationStatus, Suppression
from app.models.types import new_uuid, utcnow
from tests import factories


@pytest.fixture()
def sent_sms(db):
    contact = factories.contact()
    row = Notification(id=new_uuid(), contact_id=contact.id, channel="sms", category="orders",
                       address=contact.phone, provider="twilio", status="sent",
                       provider_message_id="SM" + "1" * 32, attempts=1, sent_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def twilio_post(client, config, path, params, signature=None):
    url = f"{config.BASE_URL}{path}"
    signature = signature or RequestValidator(config.TWILIO_AUTH_TOKEN).compute_signature(
        url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


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
    params = {"From": "+14155550100", "Body": " stop "}
    assert twilio_post(client, config, "/hooks/twilio/inbound", params).status_code == 200
    assert db.session.scalar(select(Suppression.reason)) == "stop"
    params["Body"] = "START"
    twilio_post(client, config, "/hooks/twilio/inbound", params)
    assert db.session.scalar(select(Suppression)) is None


@pytest.fixture()
def sendgrid_key(config, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setattr(config, "SENDGRID_WEBHOOK_PUBLIC_KEY", base64.b64encode(public).decode())
    return key


def sendgrid_post(client, key, events, tamper=False):
    body = json.dumps(events)
    timestamp = "1700000000"
    signature = key.sign((timestamp + body).encode(), ec.ECDSA(hashes.SHA256()))
    if tamper:
        body = body.replace("bounce", "open")
    return client.post("/hooks/sendgrid", data=body, content_type="application/json", headers={
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
    })


@pytest.fixture()
def sent_email(db):
    contact = factories.contact()
    row = Notification(id=new_uuid(), contact_id=contact.id, channel="email", category="orders",
                       address=contact.email, provider="sendgrid", status="sent", attempts=1)
    db.session.add(row)
    db.session.commit()
    return row


def test_sendgrid_bounce_fails_and_suppresses(client, db, sendgrid_key, sent_email):
    events = [{"event": "bounce", "email": "ada@example.com", "timestamp": 1700000000,
               "herald_id": str(sent_email.id), "reason": "550 5.1.1 user unknown"},
              {"event": "open", "email": "ada@example.com", "herald_id": str(sent_email.id)}]
    assert sendgrid_post(client, sendgrid_key, events).status_code == 204
    db.session.refresh(sent_email)
    assert sent_email.status == "failed"
    assert db.session.scalar(select(Suppression.reason)) == "hard_bounce"
    assert sorted(db.session.scalars(select(Event.kind))) == ["bounced", "opened"]


def test_sendgrid_tampered_body_is_refused(client, db, sendgrid_key, sent_email):
    events = [{"event": "bounce", "herald_id": str(sent_email.id)}]
    assert sendgrid_post(client, sendgrid_key, events, tamper=True).status_code == 403
    assert db.session.scalar(select(Event)) is None
