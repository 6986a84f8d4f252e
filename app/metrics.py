"""GET /metrics: Prometheus text format (bearer token when HERALD_METRICS_TOKEN is set),
and the request latency histogram every request feeds (app.edge times them).

Under gunicorn each worker process keeps its own histogram; with PROMETHEUS_MULTIPROC_DIR
set (app.web_config sets it before the workers start) they write it to files there and a
scrape of any worker sums every process's. Without it (the development server, tests)
the histogram lives in this process.
"""

import hmac
import os
import time
from functools import lru_cache

from flask import Blueprint, Response, abort, request
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest, multiprocess
from prometheus_client.registry import CollectorRegistry

from app import herald_config, redis_client
from app.core.ops.metrics import HeraldCollector
from app.extensions import db

bp = Blueprint("metrics", __name__)

HTTP_REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "herald_http_request_duration_seconds",
    "Time to answer a request, by route template, method and status class",
    ["route", "method", "status"], registry=HTTP_REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
UNMATCHED = "unmatched"  # 404s and the like: one label, whatever the path


@bp.get("/metrics")
def metrics():
    token = herald_config().METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HeraldCollector(redis_client(), lambda: db.session))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(HTTP_REGISTRY)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def observe_request(route: str, method: str, status: int, started: float) -> None:
    """Count one answered request in the latency histogram (started: perf_counter)."""
    _series(route, method, status // 100).observe(time.perf_counter() - started)


@lru_cache(maxsize=1024)
def _series(route: str, method: str, status_class: int):
    # Looked up once per labels: labels() takes a lock and builds the key every time.
    return REQUEST_SECONDS.labels(route, method, f"{status_class}xx")


def init_app(app) -> None:
    app.register_blueprint(bp)  # every request is timed by app.edge
