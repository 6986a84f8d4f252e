"""Liveness and readiness: database and Redis reachable, queue depths."""

from typing import Literal

from redis.exceptions import RedisError

from app import redis_client
from app.api.registry import route
from app.api.schemas.common import Output, example
from app.core.ops.probes import database_ok
from app.extensions import db
from app.queues import depths


class HealthOut(Output):
    model_config = example({"status": "ok", "database": "ok", "redis": "ok",
                            "queues": {"push": 0, "sms": 0, "email": 3, "events": 0}})

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]
    redis: Literal["ok", "unreachable"]
    queues: dict[str, int] | None = None


@route("/health", response=HealthOut, responses={503: HealthOut}, auth=False, tag="Health",
       summary="Check the database and Redis",
       description="200 when both answer, 503 otherwise. Needs no API key.")
def health():
    database = "ok" if database_ok(db.session) else "unreachable"
    try:
        queues, redis = depths(redis_client()), "ok"
    except RedisError:
        queues, redis = None, "unreachable"
    healthy = database == redis == "ok"
    out = HealthOut(status="ok" if healthy else "degraded", database=database, redis=redis,
                    queues=queues)
    return out, 200 if healthy else 503, {"Cache-Control": "no-store"}
