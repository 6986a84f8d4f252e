"""Log lines as text or JSON (HERALD_LOG_FORMAT), each carrying what it is about: the
request's id (X-Request-ID, app.request_ids) and the notifications a worker is handling.

Both travel in context variables, so any logger anywhere picks them up without passing
them along; a record that names its own (`extra={"notification_ids": …}`) keeps them.
"""

import contextlib
import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

request_id: ContextVar[str | None] = ContextVar("herald_request_id", default=None)
notification_ids: ContextVar[list[str] | None] = ContextVar("herald_notification_ids",
                                                           default=None)
TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"
MAX_IDS = 100  # a batch's ids in a line; the rest are counted, not listed
# Clients that log every HTTP request at INFO: a worker sending thousands a second wrote
# a line per request (with its batch's ids), costing more than the request; the batch's
# own line says what was sent, so these keep their warnings and up.
PER_REQUEST_LOGGERS = ("httpx",)


@contextlib.contextmanager
def about(ids):
    """Log lines inside are about these notifications."""
    ids = [str(i) for i in ids]
    token = notification_ids.set(ids[:MAX_IDS] + ([f"+{len(ids) - MAX_IDS}"]
                                                  if len(ids) > MAX_IDS else []))
    try:
        yield
    finally:
        notification_ids.reset(token)


class Context(logging.Filter):
    """Put the request id and notification ids on every record passing a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        if getattr(record, "notification_ids", None) is None:
            record.notification_ids = notification_ids.get()
        return True


class TextFormatter(logging.Formatter):
    """The classic line, with the ids appended when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if getattr(record, "request_id", None):
            line += f" request_id={record.request_id}"
        if getattr(record, "notification_ids", None):
            line += f" notification_ids={','.join(record.notification_ids)}"
        return line


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(TEXT, rename_fields={"asctime": "time", "levelname": "level",
                                                  "name": "logger"},
                             reserved_attrs=[*RESERVED, "args"])
    return TextFormatter(TEXT)


RESERVED = ("created", "exc_text", "filename", "funcName", "levelno", "lineno", "module",
            "msecs", "msg", "pathname", "process", "processName", "relativeCreated",
            "stack_info", "thread", "threadName", "taskName")


def configure(log_format: str, level: int = logging.INFO, stream=None) -> None:
    """Send every logger's lines to stderr (or `stream`) in the format chosen."""
    handler = logging.StreamHandler(stream or sys.stderr)
    adopt(handler, log_format)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in PER_REQUEST_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def dict_config(log_format: str, level: str = "INFO") -> dict:
    """`configure` as a logging.config dictionary, for servers that configure logging in
    each process they start (uvicorn's workers)."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"herald": {"()": formatter, "log_format": log_format}},
        "filters": {"context": {"()": Context}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "herald", "filters": ["context"]}},
        "root": {"handlers": ["stderr"], "level": level},
        # uvicorn's loggers write through the root's handler, in the same format.
        "loggers": {name: {"handlers": [], "level": level, "propagate": True}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def adopt(handler: logging.Handler, log_format: str) -> None:
    """Make a handler someone else created (gunicorn's) write our format, ids included."""
    handler.setFormatter(formatter(log_format))
    if not any(isinstance(f, Context) for f in handler.filters):
        handler.addFilter(Context())
