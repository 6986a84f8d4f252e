"""App-wide request policy: CSRF on every state-changing request, security headers on
every response. Installed once by create_app().

A surface that authenticates otherwise (API keys, provider signatures, signed links)
declares so itself with `exempt(app, blueprint, *paths)`: its views skip the CSRF check,
and unrouted URLs under its paths keep that surface's (or the default) error body.
"""

from flask import current_app, g

from app.extensions import csrf

EXEMPT_PATHS = "herald_exempt_paths"  # app.extensions key: path prefixes of such surfaces

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


def app_headers(secure: bool) -> list[tuple[str, str]]:
    """The security headers every response carries (HSTS only when served over HTTPS)."""
    hsts = [("Strict-Transport-Security", "max-age=31536000")] if secure else []
    return [*APP_HEADERS, *hsts]


def security_headers(response):
    """After every request: the app-wide security headers (a surface may set its own)."""
    # setdefault: a surface with other needs (the API docs page) may set its own policy.
    headers = response.headers
    for name, value in app_headers(current_app.config.get("SESSION_COOKIE_SECURE", False)):
        headers.setdefault(name, value)
    user = g.get("_login_user")  # only if this request loaded one; no query for static files
    if user is not None and user.is_authenticated and response.mimetype == "text/html":
        # Signed-in pages can show secrets once (API keys, invite links): never cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    # Flask-WTF checks every POST/PUT/PATCH/DELETE before its view runs, except the
    # blueprints declared with exempt(); requests that match no view are not checked.
    csrf.init_app(app)
    app.after_request(security_headers)
