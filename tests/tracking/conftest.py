"""Fixtures for the webhook tests: sent rows to report on, a SendGrid signing key."""
import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.models import Notification
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


@pytest.fixture()
def sent_email(db):
    contact = factories.contact()
    row = Notification(id=new_uuid(), contact_id=contact.id, channel="email", category="orders",
                       address=contact.email, provider="sendgrid", status="sent", attempts=1)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture()
def sendgrid_key(config, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    monkeypatch.setattr(config, "SENDGRID_WEBHOOK_PUBLIC_KEY", base64.b64encode(public).decode())
    return key
