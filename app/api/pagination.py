"""Opaque keyset cursors and the Link header of the next page."""

import base64
import binascii
from urllib.parse import urlencode

from flask import request

from app.errors import ValidationFailed


def encode_cursor(kind: str, last_id) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, parse):
    """Return the id a cursor points after (None for the first page); 422 if it is bad."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found, _, value = raw.partition(":")
        if found != kind:
            raise ValueError(kind)
        return parse(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed(
            "The cursor is not valid",
            [{"field": "/cursor", "in": "query", "message": "not a cursor from this list"}],
        ) from None


def paginate(rows: list, limit: int, kind: str, key):
    """Split a limit+1 fetch into (page, next cursor or None)."""
    page = rows[:limit]
    more = len(rows) > limit
    return page, encode_cursor(kind, key(page[-1])) if more else None


def next_link(cursor: str | None) -> dict:
    """Return a Link header (RFC 8288) pointing at the next page, if there is one."""
    if cursor is None:
        return {}
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    url = f"{request.path}?{urlencode([*args, ('cursor', cursor)])}"
    return {"Link": f'<{url}>; rel="next"'}
