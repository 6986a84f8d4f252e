"""Opens and clicks: the pixel, tracked links and SMS short links.

A hit is answered ahead of Flask by `Hits`, a WSGI middleware: the token check and one
Redis round trip (app.core.tracking.hits), then the response. Flask's request context,
session, routing and hooks cost most of a hit's time and do nothing for a pixel; the
response is counted in the latency histogram, and gets the app's security headers and
X-Request-ID on its way out as every response does (app.edge). What it cannot answer
alone goes on to Flask: a URL past MAX_URL_BYTES (414), anything but a genuine token (a
plain 404), a click whose stored link is not cached in Redis, and any hit while Redis is
down (the views below read the database and store the hit there).
"""
import base64
import time
from collections.abc import Callable

from flask import Blueprint, Response, abort, request
from redis.exceptions import RedisError
from werkzeug.urls import iri_to_uri

from app import herald_config, redis_client
from app.core.tracking.hits import Request, record_click, record_open, record_short
from app.extensions import db
from app.http_limits import target_length
from app.metrics import observe_request

bp = Blueprint("links", __name__)

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_CACHE = [("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0, private"),
            ("Pragma", "no-cache"), ("Expires", "0")]
PIXEL_HEADERS = [("Content-Type", "image/gif"), ("Content-Length", str(len(PIXEL))),
                 *NO_CACHE]
# Headers that say a request is a browser's prefetch or a mail client's preview.
PURPOSE_HEADERS = ("sec-purpose", "purpose", "x-purpose", "x-moz")
STATUS = {200: "200 OK", 204: "204 No Content", 302: "302 Found"}
# A hit's path prefix → the route it is counted under in the latency histogram.
ROUTES = {"/o/": "/o/<token>.gif", "/c/": "/c/<token>", "/s/": "/s/<code>"}


def seen(method: str, ip: str | None, header: Callable[[str], str]) -> Request:
    """What a hit's request says about who made it (app.core.tracking.machines); header
    gives a request header's value by its lower-case name, "" when absent."""
    purpose = " ".join(header(name) for name in PURPOSE_HEADERS).lower()
    return Request(method, ip, header("user-agent"), "prefetch" in purpose or "preview" in purpose)


def seen_in(environ) -> Request:
    """seen() of a WSGI request."""
    return seen(environ["REQUEST_METHOD"], environ.get("REMOTE_ADDR"),
                lambda name: environ.get("HTTP_" + name.upper().replace("-", "_"), ""))


def hit_token(prefix: str, rest: str) -> str | None:
    """The token (or SMS short code) a hit's path names after its prefix; None when the
    path cannot be a hit: the pixel's ends in .gif, and no token holds a slash."""
    token = rest.removesuffix(".gif") if prefix == "/o/" else rest
    if (prefix == "/o/" and token == rest) or "/" in token:
        return None
    return token


def go(url: str) -> tuple[int, list[tuple[str, str]]]:
    """Where a click goes: a bare 302 to a stored link, 204 for the honeypot link."""
    if not url:
        return 204, NO_CACHE
    # No HTML body: stored links are checked addresses (core.tracking.links).
    return 302, [("Location", url if url.isascii() else iri_to_uri(url)),
                 ("Content-Length", "0"), *NO_CACHE]


class Hits:
    """WSGI middleware: GET and HEAD of /o/, /c/ and /s/ answered without Flask."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.extensions, self.config = app.extensions, app.extensions["herald_config"]

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        prefix, answer = path[:3], None
        if (prefix in ROUTES and method in ("GET", "HEAD")
                and target_length(environ) <= self.config.MAX_URL_BYTES):
            try:
                answer = self.answer(prefix, path[3:], environ)
            except RedisError:
                answer = None  # Flask answers from the database
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(STATUS[status], headers)
        observe_request(ROUTES[prefix], method, status, started)
        return [b""] if method == "HEAD" else [body]

    def answer(self, prefix: str, rest: str, environ) -> tuple[int, list, bytes] | None:
        """The response to a hit, or None when Flask is to answer it."""
        token = hit_token(prefix, rest)
        if token is None:
            return None
        redis = self.extensions["redis"]
        if prefix == "/o/":
            if not record_open(redis, self.config, token, seen_in(environ)):
                return None
            return 200, PIXEL_HEADERS, PIXEL
        record = record_click if prefix == "/c/" else record_short
        url = record(redis, None, self.config, token, seen_in(environ))
        return None if url is None else (*go(url), b"")


@bp.get("/o/<token>.gif")
def pixel(token: str):
    """An open the middleware could not take (Redis down, or no genuine token)."""
    if not record_open(redis_client(), herald_config(), token, seen_in(request.environ),
                       session=db.session):
        abort(404)
    return Response(PIXEL, mimetype="image/gif", headers=NO_CACHE)


def _redirect(url: str | None) -> Response:
    if url is None:
        abort(404)
    status, headers = go(url)
    return Response(status=status, headers=headers)


@bp.get("/c/<token>")
def click(token: str):
    """A tracked link whose stored link is not cached: record the click, go to it."""
    return _redirect(record_click(redis_client(), db.session, herald_config(), token,
                                  seen_in(request.environ)))


@bp.get("/s/<code>")
def short_link(code: str):
    """An SMS short link whose destination is not cached."""
    return _redirect(record_short(redis_client(), db.session, herald_config(), code,
                                  seen_in(request.environ)))
