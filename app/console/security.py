"""Console security: sign-in sessions, roles and cookies (CSRF and headers: app.security)."""

import time
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user, login_user

from app import herald_config
from app.console import log_redaction
from app.core.access.login_limits import LoginPolicy
from app.core.access.operators import has_role, load_by_session_id
from app.extensions import db, htmx, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGNED_IN_AT = "herald_signed_in_at"  # session key: when this sign-in began (epoch seconds)

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


def start_session(operator) -> None:
    """Sign the operator in on a fresh session, which ends when idle and at its lifetime."""
    session.clear()  # nothing from before the sign-in carries over
    login_user(operator)
    session.permanent = True  # cookie and signature expire SESSION_IDLE_SECONDS after use
    session[SIGNED_IN_AT] = int(time.time())


def _load_operator(value: str):
    # Every signed-in request loads its operator here, so this is where a session that
    # has been refreshed by activity still ends, SESSION_LIFETIME_SECONDS after sign-in.
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int) or \
            time.time() - started > herald_config().SESSION_LIFETIME_SECONDS:
        session.clear()
        return None
    return load_by_session_id(db.session, value)


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


def init_app(app) -> None:
    config = app.extensions["herald_config"]
    # Assigned, not setdefault: Flask defines every one of these keys itself (a cookie
    # called "session" that lasts 31 days), so a default would never apply.
    app.config.update(
        SESSION_COOKIE_NAME=config.SESSION_COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=config.SESSION_IDLE_SECONDS),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    log_redaction.init_app(app)  # set-password links carry their token in the path
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "console.auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_operator)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_forget_loaded_user)
