"""Opens and clicks: the pixel, tracked links and SMS short links. Each answers from
Redis alone (app.core.tracking.hits); anything but a genuine token is a plain 404."""
import base64

from flask import Blueprint, Response, abort, request
from werkzeug.urls import iri_to_uri

from app import herald_config, redis_client
from app.core.tracking.hits import Request, record_click, record_open, record_short
from app.extensions import db

bp = Blueprint("links", __name__)

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_CACHE = {"Cache-Control": "no-store, no-cache, must-revalidate, max-age=0, private",
            "Pragma": "no-cache", "Expires": "0"}
PURPOSE_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def _seen() -> Request:
    purpose = " ".join(request.headers.get(name, "") for name in PURPOSE_HEADERS).lower()
    return Request(request.method, request.remote_addr, request.headers.get("User-Agent", ""),
                   "prefetch" in purpose or "preview" in purpose)


def _go(url: str | None) -> Response:
    if url is None:
        abort(404)
    if not url:  # the honeypot link
        return Response(status=204, headers=NO_CACHE)
    # A bare 302 (no HTML body): stored links are checked addresses (core.tracking.links).
    return Response(status=302, headers={"Location": url if url.isascii() else iri_to_uri(url),
                                         **NO_CACHE})


@bp.get("/o/<token>.gif")
def pixel(token: str):
    """An email open: the pixel, never cached so each open fetches it."""
    if not record_open(redis_client(), herald_config(), token, _seen()):
        abort(404)
    return Response(PIXEL, mimetype="image/gif", headers=NO_CACHE)


@bp.get("/c/<token>")
def click(token: str):
    """A tracked link in email or push: record the click, go to the stored link."""
    return _go(record_click(redis_client(), db.session, herald_config(), token, _seen()))


@bp.get("/s/<code>")
def short_link(code: str):
    """An SMS short link."""
    return _go(record_short(redis_client(), db.session, herald_config(), code, _seen()))
