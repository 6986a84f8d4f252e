"""Keep the secrets that travel in URLs (set-password tokens, recipients' preference and
unsubscribe tokens) out of the web logs.

An invitation or reset link carries its token in the path, and so do the links in a
recipient's messages (/p/<token>, /u/<token>). The request line, the path,
the Referer of the page's own assets and error messages naming the URL would copy it
into the access and error logs of whatever serves the app (gunicorn, the development
server). A filter on the loggers that write URLs redacts the formatted message, so it
holds for any log format and any field.
"""

import logging
import re

from flask import Flask

REDACTED = "[redacted]"
# The set-password token and a recipient's token (/p/<token>, /u/<token>) run to the end
# of the path, also when the URL is itself percent-encoded in a query
# (?next=%2Fset-password%2F...); a query parameter whose name says token or secret is
# redacted up to the next parameter.
_SECRET_IN_URL = re.compile(
    r"(?P<path>(?:set-password|(?:(?<=/)|(?<=%2f))[pu])(?:/|%2f))[^?#\s\"']+"
    r"|(?P<param>(?<![\w.-])[\w.-]*(?:token|secret)[\w.-]*(?:=|%3d))[^&#\s\"']+",
    re.IGNORECASE,
)
# The web server's request and error logs, the development server's, and Flask's own
# ("Exception on <path>").
WEB_LOGGERS = ("gunicorn.access", "gunicorn.error", "werkzeug")


def redact(text: str) -> str:
    """Return `text` with every URL secret replaced by [redacted]."""
    return _SECRET_IN_URL.sub(lambda m: (m["path"] or m["param"]) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrite a record's message without the URL secrets in it (its fields included).

    The record keeps the message as formatted here, so its handlers do not format it
    again (an access line's two dozen fields, on every request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            return True  # a malformed record: logging reports it as such
        record.msg, record.args = redact(message), None
        return True


def init_app(app: Flask) -> None:
    """Put the filter on the loggers that write request URLs (once per logger)."""
    for name in (*WEB_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
