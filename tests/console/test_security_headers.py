"""Security headers on every response; session cookie flags."""
from pathlib import Path

import pytest

from tests.helpers.console import PASSWORD, app_with, make_operator

CONSOLE_DIRS = ("auth", "errors", "operators", "api_keys", "audit")


@pytest.mark.parametrize("url", ["/login", "/static/css/app.css", "/nope", "/dashboard"])
def test_headers_on_every_response(client, db, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_cached(admin_client):
    assert admin_client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_lax(client, admin):
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_and_hsts_when_configured(app, db):
    secure = app_with(app, SESSION_COOKIE_SECURE=True)
    make_operator("a@example.com", "admin")
    client = secure.test_client()
    response = client.post("/login", data={"email": "a@example.com", "password": PASSWORD},
                           base_url="https://herald.test")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_console_templates_have_no_inline_scripts_or_styles():
    root = Path("templates")
    mine = [root / "base.html", root / "_document.html", *root.glob("_partials/*.html"),
            *root.glob("console/*.html"),
            *[p for area in CONSOLE_DIRS for p in root.glob(f"console/{area}/*.html")]]
    assert len(mine) > 20
    for path in mine:
        text = path.read_text()
        assert "style=\"" not in text and "<style" not in text, path
        assert " onclick=" not in text and "hx-on" not in text, path
        assert "<script>" not in text, path
