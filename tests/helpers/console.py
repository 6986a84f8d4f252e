"""Console test helpers: operators, signing in, another app on the same services."""
import re

from app import create_app
from app.config import Config
from app.core.access import operators
from app.extensions import db as _db

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
