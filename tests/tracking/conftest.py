"""Fixtures for the webhook tests: sent rows to report on, a SendGrid signing key."""
import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.models import Notification
from app.models.types import new_uuid, utcnow
from tests import factories
from tests.e2e.conftest import api_headers, drain  # noqa: F401  (shared fixtures)


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


@pytest.fixture()
def tracking(config, monkeypatch):
    """Tracking on (the test app's default is off), no "too soon after the send" rule."""
    monkeypatch.setattr(config, "TRACK_OPENS", True)
    monkeypatch.setattr(config, "TRACK_CLICKS", True)
    monkeypatch.setattr(config, "TRACKING_MIN_SECONDS", 0)
    return config


@pytest.fixture()
def store_hits(app, redis):
    """Run the events worker's drain: the hits in Redis become events."""
    from app.core.tracking import drain as events_drain
    from app.extensions import db as _db

    def run() -> int:
        with app.app_context():
            try:
                return events_drain.drain(_db.session, redis, app.extensions["herald_config"])
            finally:
                _db.session.remove()

    return run
