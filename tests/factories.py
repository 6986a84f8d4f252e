"""Build rows for tests directly through the models (no mocks, real database)."""
from app.extensions import db
from app.models import Category, Contact, Device, Template, TemplateVersion
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
    row = Device(contact_id=contact_row.id, platform=platform,
                 provider=PLATFORM_PROVIDER[platform], token=token, **kw)
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
