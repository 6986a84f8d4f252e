"""Console security: sign-in sessions, roles, CSRF scope, cookies and response headers."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from app import herald_config
from app.core.login_limits import LoginPolicy
from app.core.operators import has_role, load_by_session_id
from app.extensions import csrf, db, htmx, login_manager

# Machine-to-machine and recipient-facing paths authenticate otherwise (API keys, signed
# tokens, provider signatures), so the console's CSRF check does not apply to them.
CSRF_EXEMPT_PREFIXES = ("/api/", "/hooks/", "/o/", "/c/", "/s/", "/p/", "/_sandbox/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

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


def role_required(role: str):
    """Allow the view to operators whose role is at least `role`; others get 403."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_role = role
        return wrapper

    return decorator


def can(role: str) -> bool:
    """Return True if the signed-in operator has at least `role` (for templates: can("editor"))."""
    return current_user.is_authenticated and has_role(current_user, role)


def public(view):
    """Mark a console view as reachable without signing in (sign-in pages only)."""
    view.public = True
    return view


def self_service(view):
    """Let viewers POST to this view: it only touches the caller's own session (sign-out)."""
    view.self_service = True
    return view


def client_ip() -> str:
    return request.remote_addr or "unknown"


def login_policy() -> LoginPolicy:
    config = herald_config()
    return LoginPolicy(config.LOGIN_MAX_FAILURES, config.LOGIN_LOCKOUT_SECONDS,
                       config.LOGIN_IP_MAX_FAILURES)


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a local path (no scheme/host), else None: no open redirect."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None  # a browser reads a backslash as "/" and drops tabs: "/\\x" is "//x"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def guard_console_request():
    """Before every console request: sign-in required, and viewers never write."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "public", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.method not in SAFE_METHODS and not has_role(current_user, "editor") \
            and not getattr(view, "self_service", False):
        abort(403)
    return None


def check_every_view_declares_access(app) -> None:
    """Fail at start-up if a console view has neither @role_required nor @public."""
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("console.") and not (
            getattr(view, "required_role", None) or getattr(view, "public", False)
        ):
            raise RuntimeError(f"console view {endpoint} needs @role_required or @public")


def _unauthorized():
    target = url_for("console.auth.login", next=request.full_path.rstrip("?"))
    if htmx:
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


def _forget_loaded_user():
    # A request reuses an app context that is already pushed (tests, scripts), and with
    # it `g`: drop the operator a previous request loaded so each request loads its own.
    g.pop("_login_user", None)


def _csrf_protect():
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.path.startswith(CSRF_EXEMPT_PREFIXES):
        return
    csrf.protect(apply_exemptions=True)


def _security_headers(response):
    # setdefault: a surface with other needs (the API docs page) may set its own policy.
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    user = g.get("_login_user")  # only if this request loaded one; no query for static files
    if user is not None and user.is_authenticated and response.mimetype == "text/html":
        # Signed-in pages can show secrets once (API keys, invite links): never cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("SESSION_COOKIE_NAME", "herald_session")
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 12 * 3600)
    # CSRF runs in our own hook so whole path prefixes can be exempted cleanly.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "console.auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda value: load_by_session_id(db.session, value))
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_forget_loaded_user)
    app.before_request(_csrf_protect)
    app.after_request(_security_headers)
