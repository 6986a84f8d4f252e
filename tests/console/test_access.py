"""Every console view declares a role; anonymous → login, viewer writes → 403."""
import pytest
from flask import Blueprint, Flask
from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter

from app.console import security

ADMIN_PAGES = ["/settings/operators/", "/settings/operators/new", "/settings/api-keys/",
               "/settings/api-keys/new", "/settings/audit/", "/settings/system/"]
READ_PAGES = ["/dashboard", "/contacts/", "/templates/", "/segments/", "/campaigns/",
              "/notifications/"]


def console_rules(app, method):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("console.") and method in rule.methods:
            view = app.view_functions[rule.endpoint]
            if not getattr(view, "public", False):
                yield rule


def build(rule) -> str:
    """Return a URL for the rule, with a plausible value for each argument."""
    values = {}
    for arg, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[arg] = 1
        elif isinstance(converter, UUIDConverter):
            values[arg] = "00000000-0000-7000-8000-000000000001"
        elif isinstance(converter, AnyConverter):
            values[arg] = sorted(converter.items)[0]
        else:
            values[arg] = "x"
    return rule.build(values)[1]


def test_every_console_view_declares_a_role_or_is_public(app):
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("console."):
            assert getattr(view, "required_role", None) or getattr(view, "public", False), endpoint


def test_a_view_without_a_role_stops_the_app():
    app = Flask(__name__)
    bp = Blueprint("console", __name__)
    bp.add_url_rule("/x", "x", lambda: "x")
    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="console.x"):
        security.check_every_view_declares_access(app)


def test_anonymous_get_redirects_to_login(app, client, db):
    rules = list(console_rules(app, "GET"))
    assert len(rules) >= 12
    for rule in rules:
        response = client.get(build(rule))
        assert response.status_code == 302, rule
        assert response.headers["Location"].startswith("/login"), rule


def test_anonymous_post_redirects_to_login(app, client, db):
    for rule in console_rules(app, "POST"):
        response = client.post(build(rule))
        assert response.status_code == 302, rule


def test_viewer_post_is_403_everywhere(app, viewer_client):
    posts = [r for r in console_rules(app, "POST")  # less sign-out and the own account
             if not getattr(app.view_functions[r.endpoint], "self_service", False)]
    assert len(posts) >= 6
    for rule in posts:
        response = viewer_client.post(build(rule), data={"role": "admin", "name": "x"})
        assert response.status_code == 403, rule
        assert "have access" in response.get_data(as_text=True)  # the rendered 403 page


@pytest.mark.parametrize("url", READ_PAGES)
def test_viewer_reads_area_pages(viewer_client, url):
    assert viewer_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_refuse_editor_and_viewer(editor_client, viewer_client, url):
    assert editor_client.get(url).status_code == 403
    assert viewer_client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES + READ_PAGES)
def test_admin_reaches_everything(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_nav_shows_settings_only_to_admins(admin_client, editor_client):
    assert 'href="/settings/api-keys/"' in admin_client.get("/dashboard").get_data(as_text=True)
    page = editor_client.get("/dashboard").get_data(as_text=True)
    assert 'href="/settings/api-keys/"' not in page and 'href="/contacts/"' in page


def test_unknown_page_renders_404_page(admin_client):
    response = admin_client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
