"""Hostile console input stopped at the door: ids beyond any column, NUL characters.

PostgreSQL can neither compare a key with a number past BIGINT nor store a NUL in text;
both raised from deep in a query (a 500). Here they become a 404 and a 400.
"""

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest BIGINT
NUL_MESSAGE = ("The request contains a NUL character, which cannot be stored. "
               "Remove it and try again.")


class IdConverter(IntegerConverter):
    """`<int:...>` in console URLs: a number past the largest id matches no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def as_id(value: str | None) -> int | None:
    """`value` as an id-sized int, or None if it is missing or not one ("abc", "²", 10**20)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


def int_arg(name: str) -> int | None:
    """The query argument `name` as an id-sized int, or None."""
    return as_id(request.args.get(name))


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if value)


def reject_nul_characters():
    """Before a console request: 400 if a query argument, form field or file name has a NUL."""
    fields = [*request.args.keys(), *request.args.values()]
    if request.method not in ("GET", "HEAD"):
        fields += [*request.form.keys(), *request.form.values(),
                   *(upload.filename for upload in request.files.values())]
    if _has_nul(fields) or "\x00" in request.path:
        abort(400, NUL_MESSAGE)
