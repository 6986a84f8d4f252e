"""Console fixtures: operators of each role and signed-in test clients."""
import pytest

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


@pytest.fixture()
def admin(db):
    return make_operator("admin@example.com", "admin", name="Ada Admin")


@pytest.fixture()
def editor(db):
    return make_operator("editor@example.com", "editor")


@pytest.fixture()
def viewer(db):
    return make_operator("viewer@example.com", "viewer")


def _client_for(app, operator):
    client = app.test_client()
    response = sign_in(client, operator.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture()
def admin_client(app, admin):
    return _client_for(app, admin)


@pytest.fixture()
def editor_client(app, editor):
    return _client_for(app, editor)


@pytest.fixture()
def viewer_client(app, viewer):
    return _client_for(app, viewer)


def app_with(app, **overrides):
    """Build another app on the same database/Redis/sandbox, with some settings changed."""
    config = app.extensions["herald_config"]
    settings = {k: v for k, v in vars(config).items() if k.isupper()}
    return create_app(Config(**{**settings, **overrides}))


@pytest.fixture(scope="session")
def csrf_app(app):
    """The app with CSRF protection on (the shared fixture turns it off)."""
    return app_with(app, WTF_CSRF_ENABLED=True)
