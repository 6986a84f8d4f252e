"""X-Request-ID: taken from the request (a load balancer's) when it is sane, made otherwise;
sent back on the response and carried by every log line of the request (app.logs)."""

import os
import re

from flask import g, request

from app import logs

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")  # nothing that could forge a log line
# A random UUID's version (4) and variant (RFC 4122) bits, as uuid.uuid4 sets them.
_UUID4_CLEAR = (0xF000 << 64) | (0xC000 << 48)
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def accept(given: str) -> str:
    """The request's id: the one it came with when sane, else a new one."""
    return given if SANE.fullmatch(given) else new()


def new() -> str:
    """uuid.uuid4().hex without the UUID object (half the cost; a hit with no id makes one)."""
    return f"{int.from_bytes(os.urandom(16)) & ~_UUID4_CLEAR | _UUID4_SET:032x}"


def start() -> None:
    g.request_id = accept(request.headers.get(HEADER, ""))
    g.request_id_token = logs.request_id.set(g.request_id)


def echo(response):
    if "request_id" in g:
        response.headers[HEADER] = g.request_id
    return response


def end(_exc=None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        logs.request_id.reset(token)


def init_app(app) -> None:
    # First, so a request another hook refuses (a 414, a 429) has its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(echo)
    app.teardown_request(end)
