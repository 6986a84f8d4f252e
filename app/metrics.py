"""GET /metrics: Prometheus text format (bearer token when HERALD_METRICS_TOKEN is set)."""

import hmac

from flask import Blueprint, Response, abort, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import CollectorRegistry

from app import herald_config, redis_client
from app.core.ops.metrics import HeraldCollector
from app.extensions import db

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    token = herald_config().METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HeraldCollector(redis_client(), lambda: db.session))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def init_app(app) -> None:
    app.register_blueprint(bp)
