"""Console fixtures: operators of each role and signed-in test clients."""
import pytest

from tests.helpers.console import app_with, make_operator, sign_in


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


@pytest.fixture(scope="session")
def csrf_app(app):
    """The app with CSRF protection on (the shared fixture turns it off)."""
    return app_with(app, WTF_CSRF_ENABLED=True)
