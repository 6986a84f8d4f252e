"""The hit server: opens, clicks and SMS short links in a process of their own.

`python -m app.tracking.server` (the Procfile's `hits`) serves GET and HEAD of /o/, /c/
and /s/ from an event loop (uvicorn with uvloop and httptools, no access log): the token
check, then the hit goes to Redis with the others that arrived meanwhile, one script call
for all of them (app.core.tracking.batch), then the same response the web process gives
(security headers, X-Request-ID, the latency histogram). A reverse proxy routes those
paths here and everything else to the web process.

Whatever it cannot answer alone goes to the web app itself, run in this process on a
thread pool, exactly as in a single-process deployment: anything but a genuine token
(404), a URL past MAX_URL_BYTES (414), a link not cached in Redis, any hit while Redis is
down (the views read the database and store the hit there), and every other path (such as
/metrics: the hit server's histograms, summed over its processes).
"""
import contextlib
import gc
import os
import shutil
import tempfile
import time

import redis.asyncio
import uvicorn
from a2wsgi import WSGIMiddleware
from redis.exceptions import RedisError

from app import create_app, logs, request_ids, security
from app.config import Config
from app.core.ops import startup
from app.core.tracking import batch
from app.metrics import observe_request
from app.tracking.links import PIXEL, PIXEL_HEADERS, ROUTES, go, hit_token, seen

# Thread pool of the web app's requests (the fallback): as many as a gunicorn worker's.
FALLBACK_THREADS = 8
MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"


def encoded(headers) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers]


def target_length(scope) -> int:
    """The request target's length as sent: the path, and "?" and the query if any."""
    query = scope["query_string"]
    return len(scope["raw_path"]) + (len(query) + 1 if query else 0)


def client_ip(scope, headers: dict[bytes, bytes], hops: int) -> str | None:
    """The client's address, from X-Forwarded-For `hops` proxies deep when there are
    that many (werkzeug's ProxyFix, as the web app reads it), else the peer's."""
    if hops:
        forwarded = [v.strip() for v in headers.get(b"x-forwarded-for", b"").decode(
            "latin-1").split(",")]
        if len(forwarded) >= hops and forwarded[-hops]:
            return forwarded[-hops]
    return scope["client"][0] if scope.get("client") else None


class HitServer:
    """The ASGI app: hits answered here, the rest by the web app."""

    def __init__(self, flask_app):
        self.config: Config = flask_app.extensions["herald_config"]
        self.headers = encoded(flask_app.extensions[security.APP_HEADERS_KEY])
        self.pixel_headers = encoded(PIXEL_HEADERS)
        self.web = WSGIMiddleware(flask_app, workers=FALLBACK_THREADS)
        self.batcher: batch.Batcher | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send)
        started = time.perf_counter()
        path, method = scope["path"], scope["method"]
        prefix, answer = path[:3], None
        if (prefix in ROUTES and method in ("GET", "HEAD")
                and target_length(scope) <= self.config.MAX_URL_BYTES):
            headers = dict(scope["headers"])
            try:
                answer = await self.answer(prefix, path[3:], method, scope, headers)
            except RedisError:
                answer = None  # the web app answers from the database
        if answer is None:
            return await self.web(scope, receive, send)
        status, response_headers, body = answer
        request_id = request_ids.accept(headers.get(b"x-request-id", b"").decode("latin-1"))
        await send({"type": "http.response.start", "status": status,
                    "headers": [*response_headers, *self.headers,
                                (b"x-request-id", request_id.encode())]})
        await send({"type": "http.response.body", "body": body})
        observe_request(ROUTES[prefix], method, status, started)

    async def answer(self, prefix: str, rest: str, method: str, scope, headers):
        """(status, headers, body) of a hit, or None when the web app is to answer it."""
        if self.batcher is None:  # made on the server's event loop
            self.batcher = batch.Batcher(redis.asyncio.Redis.from_url(
                self.config.REDIS_URL, socket_timeout=5, socket_connect_timeout=2,
                health_check_interval=30))
        token = hit_token(prefix, rest)
        if token is None:
            return None
        hit = seen(method, client_ip(scope, headers, self.config.TRUSTED_PROXIES),
                   lambda name: headers.get(name.encode(), b"").decode("latin-1"))
        if prefix == "/o/":
            if not await batch.take_open(self.batcher, self.config, token, hit):
                return None
            return 200, self.pixel_headers, PIXEL
        if prefix == "/c/":
            url = await batch.take_click(self.batcher, self.config, token, hit)
        else:
            url = await batch.take_short(self.batcher, token, hit)
        if url is None:
            return None
        status, response_headers = go(url)
        return status, encoded(response_headers), b""

    async def lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.batcher is not None:
                    await self.batcher.redis.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def make_app() -> HitServer:
    """The hit server's ASGI app, on the web app made from the HERALD_* settings."""
    app = HitServer(create_app())
    # The app's objects, made once, are left out of every garbage collection, as in the
    # web and channel workers: a full collection over them (~190,000 objects) took
    # 40-100 ms of CPU with every hit waiting.
    gc.freeze()
    return app


def serve(app: str, bind: str, workers: int, log_format: str = "text") -> None:
    """Serve an ASGI app ("module:factory") the way the hit server runs: its lines, and
    uvicorn's, in HERALD_LOG_FORMAT."""
    host, _, port = bind.rpartition(":")
    with shared_histograms(workers):
        uvicorn.run(app, factory=True, host=host.strip("[]"), port=int(port),
                    workers=workers, loop="uvloop", http="httptools", lifespan="on",
                    access_log=False, proxy_headers=False, server_header=False,
                    log_config=logs.dict_config(log_format))


@contextlib.contextmanager
def shared_histograms(workers: int):
    """With several processes, each writes its latency histogram to files in a directory
    of this server's own (prometheus_client's multiprocess mode, as gunicorn's workers
    do), so a scrape of /metrics, whichever process answers it, sums them all. The
    processes are spawned, so they import prometheus_client after it is set. Never the
    web process's directory: its master empties that one when it starts."""
    if workers < 2:
        yield  # one process: its histogram in memory
        return
    path = tempfile.mkdtemp(prefix="herald-hits-metrics-")
    before = os.environ.get(MULTIPROC)
    os.environ[MULTIPROC] = path
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MULTIPROC, None)
        else:
            os.environ[MULTIPROC] = before
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    config = startup.load_or_exit(Config)  # a bad setting: what to change, no traceback
    serve("app.tracking.server:make_app", config.TRACKING_BIND, config.TRACKING_WORKERS,
          config.LOG_FORMAT)


if __name__ == "__main__":
    main()
