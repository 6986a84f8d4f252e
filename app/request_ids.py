"""X-Request-ID: taken from the request (a load balancer's) when it is sane, made otherwise;
sent back on the response and carried by every log line of the request (app.logs)."""

import re

import uuid_utils
from flask import g, request

from app import logs

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")  # nothing that could forge a log line


def accept(given: str) -> str:
    """The request's id: the one it came with when sane, else a new one."""
    return given if SANE.fullmatch(given) else new()


def new() -> str:
    """A random UUID (version 4) in hex, made by uuid_utils as the log's ids are: a
    seventh of uuid.uuid4().hex's cost (a hit with no id makes one)."""
    return uuid_utils.uuid4().hex


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
