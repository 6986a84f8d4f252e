"""Console test helpers: operators, signing in, another app on the same services."""
import re

from app import create_app
from app.config import Config
from app.core.access import operators
from app.core.templates import store as core
from app.extensions import db as _db
from app.models import Notification
from tests import factories

PASSWORD = "correct horse battery staple"


def make_operator(email: str, role: str, password: str | None = PASSWORD, **kw):
    operator = operators.create_operator(_db.session, email, role, kw.pop("name", ""), password)
    for name, value in kw.items():
        setattr(operator, name, value)
    _db.session.commit()
    return operator


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def app_with(app, **overrides):
    """Build another app on the same database/Redis/sandbox, with some settings changed."""
    config = app.extensions["herald_config"]
    settings = {k: v for k, v in vars(config).items() if k.isupper()}
    return create_app(Config(**{**settings, **overrides}))


def token_from(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def dead_sms(db, n=3):
    contact = factories.contact()
    rows = [Notification(contact_id=contact.id, channel="sms", category="orders",
                         status="dead", attempts=5, address=contact.phone,
                         content={"text": "hi"}, error_code="503") for _ in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def make_template(db, content=None, publish=True, key="order-shipped"):
    template = core.create_template(db.session, key, "Order shipped", "orders", content=content or {
        "en": {"sms": {"text": "Order {{ order }} shipped"},
               "push": {"title": "Shipped", "body": "Order {{ order }} is on its way"}}})
    if publish:
        core.publish(db.session, template, core.current_draft(db.session, template))
    db.session.commit()
    return template


def editor_form(**fields):
    """A posted editor: one locale (en) unless `locales` says otherwise."""
    form = {"locales": ["en"], "name": "Order shipped", "category": "orders",
            "default_locale": "en", "description": "", "preview_locale": "en"}
    form.update(fields)
    return form
