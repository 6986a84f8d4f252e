"""App-wide request policy: CSRF on every state-changing request, security headers on
every response (app.edge adds them), signed-in pages never cached. Installed once by
create_app().

A surface that authenticates otherwise (API keys, provider signatures, signed links)
declares so itself with `exempt(app, blueprint, *paths)`: its views skip the CSRF check,
and unrouted URLs under its paths keep that surface's (or the default) error body. A
surface none of whose pages use the cookie session also declares `cookieless(app, *paths)`:
its requests never read the session cookie and its responses never set one.
"""

from flask import current_app, g
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from app.extensions import csrf

EXEMPT_PATHS = "herald_exempt_paths"  # app.extensions key: path prefixes of such surfaces
COOKIELESS_PATHS = "herald_cookieless_paths"  # and of the surfaces without a session
APP_HEADERS_KEY = "herald_app_headers"  # app.extensions key: the headers, built once

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
APP_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def exempt(app, blueprint, *paths: str) -> None:
    """Declare a surface that does not rely on the session cookie: no CSRF check."""
    csrf.exempt(blueprint)
    app.extensions.setdefault(EXEMPT_PATHS, []).extend(paths)


def under_exempt_surface(path: str) -> bool:
    """Whether a path belongs to a surface declared with exempt()."""
    return path.startswith(tuple(current_app.extensions.get(EXEMPT_PATHS, ())))


def cookieless(app, *paths: str) -> None:
    """Declare paths whose requests use no cookie session (see CookielessSessions)."""
    app.extensions.setdefault(COOKIELESS_PATHS, []).extend(paths)


class _Unsaved(SecureCookieSession):
    """The empty session of a cookieless request: usable, never read nor saved."""


class CookielessSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except under cookieless paths: there the cookie is
    not read (no signature to check) and nothing is saved (no Set-Cookie, no Vary)."""

    def open_session(self, app, request):
        if request.path.startswith(tuple(app.extensions.get(COOKIELESS_PATHS, ()))):
            return _Unsaved()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not isinstance(session, _Unsaved):
            super().save_session(app, session, response)


def app_headers(secure: bool) -> list[tuple[str, str]]:
    """The security headers every response carries (HSTS only when served over HTTPS)."""
    hsts = [("Strict-Transport-Security", "max-age=31536000")] if secure else []
    return [*APP_HEADERS, *hsts]


def no_store_for_operators(response):
    """After every request: signed-in pages can show secrets once (API keys, invite
    links), so they are never cached. (The security headers every response carries are
    added by app.edge.)"""
    user = g.get("_login_user")  # only if this request loaded one; no query for static files
    if user is not None and user.is_authenticated and response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    # Flask-WTF checks every POST/PUT/PATCH/DELETE before its view runs, except the
    # blueprints declared with exempt(); requests that match no view are not checked.
    csrf.init_app(app)
    app.session_interface = CookielessSessions()
    app.extensions[APP_HEADERS_KEY] = app_headers(app.config.get("SESSION_COOKIE_SECURE", False))
    app.after_request(no_store_for_operators)
