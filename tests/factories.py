"""Build rows for tests directly through the models (no mocks, real database)."""
import json
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Category,
    Contact,
    Device,
    Event,
    Notification,
    NotificationStatus,
    Suppression,
    Template,
    TemplateVersion,
)
from app.models.contacts import PLATFORM_PROVIDER
from app.models.types import utcnow

APNS_TOKEN = "a" * 64


def category(key="orders", **kw) -> Category:
    row = Category(key=key, name=key.title(), **kw)
    db.session.add(row)
    db.session.commit()
    return row


def contact(external_id="user-1", email="ada@example.com", phone="+14155550100", **kw):
    row = Contact(external_id=external_id, email=email, phone=phone, **kw)
    db.session.add(row)
    db.session.commit()
    return row


def device(contact_row, platform="android", token="fcm-token-1", **kw) -> Device:
    kw.setdefault("provider", PLATFORM_PROVIDER[platform])
    row = Device(contact_id=contact_row.id, platform=platform, token=token, **kw)
    db.session.add(row)
    db.session.commit()
    return row


def template(key="welcome", content=None, category="orders") -> Template:
    """A template with one published version."""
    content = content or {
        "en": {
            "push": {"title": "Hi {{ contact.first_name }}", "body": "Order {{ order }} shipped"},
            "sms": {"text": "Order {{ order }} shipped"},
            "email": {"subject": "Order {{ order }}", "html": "<p>Order <b>{{ order }}</b></p>"},
        },
        "fr": {"push": {"title": "Salut", "body": "Commande {{ order }} expédiée"}},
    }
    row = Template(key=key, name=key.title(), category=category)
    db.session.add(row)
    db.session.flush()
    version = TemplateVersion(template_id=row.id, version=1, status="published",
                              content=content, published_at=utcnow())
    db.session.add(version)
    db.session.flush()
    row.published_version_id = version.id
    db.session.commit()
    return row


def suppression(channel="email", address="ada@example.com", reason="hard_bounce", **kw):
    row = Suppression(channel=channel, address=address, reason=reason, **kw)
    db.session.add(row)
    db.session.commit()
    return row


def notification(contact_row, channel="email", status="delivered", history=(), **kw):
    """A notification with its status transitions: [(status, detail[, error code]), ...]."""
    row = Notification(contact_id=contact_row.id, channel=channel, status=status,
                       category=kw.pop("category", "orders"), **kw)
    db.session.add(row)
    db.session.flush()
    start = row.created_at or utcnow()
    for n, (step, detail, *code) in enumerate(history):
        db.session.add(NotificationStatus(notification_id=row.id, status=step, detail=detail,
                                          error_code=code[0] if code else None,
                                          provider=row.provider, attempt=max(row.attempts, 1),
                                          at=start + timedelta(seconds=n)))
    db.session.commit()
    return row


def event(notification_row, kind="opened", at=None, **kw) -> Event:
    """An event of a notification, carrying its run, variant, channel and provider."""
    carried = {name: getattr(notification_row, name) for name in
               ("contact_id", "campaign_run_id", "variant", "channel", "provider")}
    row = Event(notification_id=notification_row.id, kind=kind, at=at or utcnow(),
                **{**carried, **kw})
    db.session.add(row)
    db.session.commit()
    return row


def contact_holding_non_finite(external_id="user-nan", **attributes) -> Contact:
    """A contact whose attribute `score` holds what no input takes any more, written by SQL:
    NaN in SQLite's JSON text; in PostgreSQL's JSONB (no NaN) a number past a float's range."""
    row = contact(external_id, None, None)
    dialect = db.session.get_bind().dialect.name
    score = "NaN" if dialect == "sqlite" else "1" + "0" * 400 + ".5"
    raw = json.dumps({**attributes, "score": 0}).replace('"score": 0', f'"score": {score}')
    value = "CAST(:raw AS jsonb)" if dialect == "postgresql" else ":raw"
    db.session.execute(sa.text(f"UPDATE contacts SET attributes = {value} WHERE id = :id"),
                       {"raw": raw, "id": row.id})
    db.session.commit()
    db.session.expire(row)
    return row
