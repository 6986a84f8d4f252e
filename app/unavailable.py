"""While the database is unreachable: 503 with Retry-After, never a traceback.

The API answers RFC 9457 problem JSON, other pages a short error page that needs no
database (not even the signed-in operator). The request's transaction is rolled back:
it never committed, so nothing it meant to write is half-written.
"""

import contextlib
import logging

from flask import render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from app.api.problems import API_PREFIX, problem
from app.extensions import db

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10


def database_unavailable(exc: SQLAlchemyError):
    """Answer 503 (problem JSON under /api/) and log one line."""
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    log.warning("database unavailable on %s %s: %s", request.method, request.path,
                str(getattr(exc, "orig", None) or exc).splitlines()[0])
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith(API_PREFIX):
        return problem(503, "Service Unavailable",
                       "The database is unreachable; retry after the Retry-After delay.",
                       headers=headers)
    page = render_template("console/errors/unavailable.html", seconds=RETRY_AFTER_SECONDS)
    return page, 503, headers


def init_app(app) -> None:
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, database_unavailable)
