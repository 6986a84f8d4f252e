"""Console error pages: 400 (bad/expired form), 403, 404, 405, 414, 429, 500 as HTML."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.security import under_exempt_surface

TITLES = {
    400: "The request could not be processed",
    403: "You don't have access to this page",
    404: "Page not found",
    405: "That action isn't allowed here",
    414: "That address is too long",
    429: "Too many requests",
    500: "Something went wrong",
}


def render_error(error: HTTPException):
    """Render the error page for an HTTP error (the status code is kept)."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    message = error.description if code < 500 else None
    if isinstance(error, CSRFError):
        message = "Your form expired or was sent from another page. Reload and try again."
    return render_template("console/errors/error.html", code=code,
                           title=TITLES.get(code, "Error"), message=message), code


def register(console) -> None:
    for code in TITLES:
        console.register_error_handler(code, render_error)
    console.register_error_handler(CSRFError, render_error)


def _fallback(error: HTTPException):
    # Paths outside the console keep the default (or their own surface's) error body.
    if under_exempt_surface(request.path):
        return error
    return render_error(error)


def register_fallbacks(app) -> None:
    """Give unmatched URLs the console's error page, unless a handler already exists."""
    for code in (404, 405, 500):
        if not app.error_handler_spec[None].get(code):
            app.register_error_handler(code, _fallback)
