"""GET /healthz (the process answers) and GET /readyz (and can reach PostgreSQL and Redis).

A load balancer sends traffic to a node while /readyz answers 200; an orchestrator
restarts a process when /healthz stops answering. Neither needs a key or a session.
"""

from flask import Blueprint, jsonify

from app import redis_client
from app.api.problems import problem
from app.core.ops.probes import database_ok, redis_ok
from app.extensions import db

bp = Blueprint("probes", __name__)
RETRY_AFTER_SECONDS = 5
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok"), 200, NO_STORE


@bp.get("/readyz")
def readyz():
    down = [name for name, ok in (("database", database_ok(db.session)),
                                  ("redis", redis_ok(redis_client()))) if not ok]
    if not down:
        return jsonify(status="ready", database="ok", redis="ok"), 200, NO_STORE
    return problem(503, "Service Unavailable", f"Not ready: {' and '.join(down)} unreachable",
                   errors=[{"field": name, "message": "unreachable"} for name in down],
                   headers={**NO_STORE, "Retry-After": str(RETRY_AFTER_SECONDS)})


def init_app(app) -> None:
    app.register_blueprint(bp)
