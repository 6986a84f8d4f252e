"""The web process's gunicorn worker: gthread, with its own size limits as problem JSON.

Gunicorn refuses a request line or headers past its limits before any application code
runs, with an HTML page. Those refusals come from here instead, shaped like every other
API error (app.api.problems); the request path is unknown at that point, so `instance`
is empty. Every other error is left to gunicorn.
"""

import contextlib
import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

LIMITS = (
    (LimitRequestLine, 414, "URI Too Long",
     "The request line is longer than this server accepts. Send fewer or shorter query "
     "parameters."),
    (LimitRequestHeaders, 431, "Request Header Fields Too Large",
     "The request has more or larger header fields than this server accepts."),
)


def problem_response(status: int, title: str, detail: str) -> bytes:
    """Return a complete HTTP/1.1 response carrying an RFC 9457 problem; it closes."""
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail, "instance": "", "errors": []}).encode()
    head = (f"HTTP/1.1 {status} {title}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemWorker(ThreadWorker):
    """gunicorn's gthread worker, answering its request size limits as problem JSON."""

    def handle_error(self, req, client, addr, exc):
        for kind, status, title, detail in LIMITS:
            if isinstance(exc, kind):
                self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
                with contextlib.suppress(OSError):  # the client may be gone already
                    util.write_nonblock(client, problem_response(status, title, detail))
                return
        super().handle_error(req, client, addr, exc)
