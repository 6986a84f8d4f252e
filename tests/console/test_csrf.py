"""CSRF: forms and htmx requests need the token; machine paths are exempt."""
import pytest
from flask import Blueprint

from app import security
from tests.helpers.console import PASSWORD, app_with, make_operator, token_from


@pytest.fixture()
def client(csrf_app, db):
    return csrf_app.test_client()


@pytest.fixture(scope="module")
def probe_app(app):
    """A CSRF-protected app with two POST routes: one in a surface declared exempt."""
    probe = app_with(app, WTF_CSRF_ENABLED=True)
    machine = Blueprint("machine_probe", __name__, url_prefix="/machine")
    machine.add_url_rule("/_probe", "probe", lambda: ("ok", 200), methods=["POST"])
    security.exempt(probe, machine, "/machine/")
    probe.register_blueprint(machine)
    probe.add_url_rule("/_probe", "plain_probe", lambda: ("ok", 200), methods=["POST"])
    return probe


def test_login_without_token_is_rejected(client):
    make_operator("a@example.com", "admin")
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_login_with_token_from_the_page_works(client):
    make_operator("a@example.com", "admin")
    token = token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_htmx_post_needs_the_header(client):
    admin = make_operator("a@example.com", "admin")
    other = make_operator("b@example.com", "viewer")
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    token = token_from(client.get("/settings/operators/").get_data(as_text=True))
    url = f"/settings/operators/{other.id}/role"
    without = client.post(url, data={"role": "editor"}, headers={"HX-Request": "true"})
    assert without.status_code == 400
    with_header = client.post(url, data={"role": "editor"},
                              headers={"HX-Request": "true", "X-CSRFToken": token})
    assert with_header.status_code == 200
    assert 'value="editor" selected' in with_header.get_data(as_text=True)


def test_declared_surfaces_are_exempt_and_others_are_not(probe_app, db):
    client = probe_app.test_client()
    assert client.post("/machine/_probe").status_code == 200
    assert client.post("/_probe").status_code == 400


@pytest.mark.parametrize("path, status", [
    ("/api/v1/notifications", 401),  # the API key is checked, not a CSRF token
    ("/hooks/twilio", 403),  # the provider signature is checked
])
def test_the_api_and_webhooks_declare_themselves_exempt(client, path, status):
    assert client.post(path, data={"x": "1"}).status_code == status


@pytest.mark.parametrize("path", ["/api/nope", "/hooks/nope", "/o/nope"])
def test_unrouted_urls_of_exempt_surfaces_keep_their_own_error_body(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "console" not in response.get_data(as_text=True).lower()
    assert "Page not found" not in response.get_data(as_text=True)
