"""Settings → Queues: backlogs, throughput and errors over the last hour, workers, circuits."""

from flask import Blueprint, render_template

from app import redis_client
from app.console.security import role_required
from app.core.ops import charts, conditions, throughput
from app.core.ops import system as operations
from app.core.ops.alerts import firing_alerts
from app.queues import CHANNEL_QUEUES

bp = Blueprint("queues", __name__, url_prefix="/settings/queues")


@bp.route("/")
@role_required("viewer")
def index():
    redis = redis_client()
    series = throughput.last_hour(redis)
    by_channel, by_provider = charts.rows(series)
    return render_template(
        "console/queues/index.html", queues=operations.queue_stats(redis),
        workers=operations.worker_states(redis), circuits=conditions.circuit_states(redis),
        by_channel=by_channel, by_provider=by_provider,
        figures=charts.figures(series) if series.counts else None,
        firing=firing_alerts(redis), channels=CHANNEL_QUEUES)
