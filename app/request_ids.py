"""X-Request-ID: taken from the request (a load balancer's) when it is sane, made otherwise;
sent back on the response and carried by every log line of the request (app.edge sets
both, app.logs writes it)."""

import re

import uuid_utils

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")  # nothing that could forge a log line


def accept(given: str) -> str:
    """The request's id: the one it came with when sane, else a new one."""
    return given if SANE.fullmatch(given) else new()


def new() -> str:
    """A random UUID (version 4) in hex, made by uuid_utils as the log's ids are: a
    seventh of uuid.uuid4().hex's cost (a hit with no id makes one)."""
    return uuid_utils.uuid4().hex
