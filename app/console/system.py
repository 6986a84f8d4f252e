"""Settings → System: queue backlogs and workers, providers in use, dead-letter re-drive."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app import herald_config, redis_client
from app.console.audit import record_change
from app.console.forms import ConfirmForm
from app.console.security import role_required
from app.core.ops import system as operations
from app.core.ops.alerts import recent_alerts
from app.extensions import db
from app.queues import CHANNEL_QUEUES

bp = Blueprint("system", __name__, url_prefix="/settings/system")


@bp.route("/")
@role_required("admin")
def index():
    redis = redis_client()
    config = herald_config()
    return render_template(
        "console/system/index.html", queues=operations.queue_stats(redis),
        providers=operations.providers(config, db.session),
        totals=operations.outcome_totals(db.session),
        dead=operations.dead_by_channel(db.session), alerts=recent_alerts(redis, 10),
        confirm=ConfirmForm(), channel_queues=CHANNEL_QUEUES)


@bp.route("/redrive", methods=["POST"])
@role_required("admin")
def redrive():
    channel = request.form.get("channel") or None
    if not ConfirmForm().validate_on_submit() or channel not in (None, *CHANNEL_QUEUES):
        abort(400)
    config = herald_config()
    redriven = operations.redrive_dead(db.session, config, channel)
    count = redriven.count
    if count:
        record_change("notifications.redrive", "notification", None,
                      after={"channel": channel or "all", "count": count})
    db.session.commit()
    redriven.enqueue(redis_client(), config)
    flash(f"{count:,} dead notification{'s' if count != 1 else ''} queued again."
          if count else "There were no dead notifications to re-drive.",
          "success" if count else "info")
    return redirect(url_for(".index"))
