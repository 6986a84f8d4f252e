"""Notifications log: every notification with filters, one page per notification, re-drive."""

import uuid

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from app import herald_config, redis_client
from app.console.audit import record_change
from app.console.forms import ConfirmForm, require_confirmation
from app.console.pagination import keyset_page
from app.console.responses import or_404
from app.console.security import can, role_required
from app.core.delivery import log
from app.core.ops import system as operations
from app.extensions import db, htmx
from app.models import Category, Contact, Notification
from app.models.contacts import CHANNELS
from app.models.notifications import STATUSES, Status
from app.replica import read_session

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PAGE_SIZE = 50


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@bp.route("/")
@role_required("viewer")
def index():
    args = request.args
    q = args.get("q", "").strip()
    if (notification_id := _uuid(q)) is not None:
        return redirect(url_for(".detail", notification_id=notification_id))
    where = log.LogFilter(
        statuses=[args["status"]] if args.get("status") in STATUSES else None,
        channels=[args["channel"]] if args.get("channel") in CHANNELS else None,
        category=args.get("category") or None, search=q or None)
    reads = read_session()
    page = keyset_page(reads, log.log_query(where), Notification.id,
                       before=_uuid(args.get("before")), after=_uuid(args.get("after")),
                       limit=PAGE_SIZE)
    context = dict(page=page, contacts=_contacts(reads, page.items), q=q, statuses=STATUSES,
                   channels=CHANNELS, categories=reads.scalars(
                       db.select(Category.key).order_by(Category.key)).all())
    if htmx and htmx.target == "log-results":
        return render_template("console/notifications/_results.html", **context)
    return render_template("console/notifications/index.html", **context)


def _contacts(reads, rows) -> dict[int, Contact]:
    ids = {n.contact_id for n in rows if n.contact_id}
    if not ids:
        return {}
    return {c.id: c for c in reads.scalars(db.select(Contact).where(Contact.id.in_(ids)))}


@bp.route("/<uuid:notification_id>")
@role_required("viewer")
def detail(notification_id: uuid.UUID):
    reads = read_session()
    notification, _, history = or_404(log.get_notification, reads, notification_id)
    contact = reads.get(Contact, notification.contact_id) if notification.contact_id \
        else None
    return render_template("console/notifications/detail.html", n=notification,
                           contact=contact, history=history, confirm=ConfirmForm(),
                           can_redrive=notification.status == Status.DEAD and can("editor"))


@bp.route("/<uuid:notification_id>/redrive", methods=["POST"])
@role_required("editor")
def redrive(notification_id: uuid.UUID):
    require_confirmation()
    config, redis = herald_config(), redis_client()
    redriven = operations.redrive_dead(db.session, config, ids=[notification_id])
    if redriven.count:
        record_change("notification.redrive", "notification", str(notification_id),
                      after={"status": "queued", "attempts": 0})
        db.session.commit()
        redriven.enqueue(redis, config)
        flash("Queued again with fresh attempts.", "success")
    else:
        flash("Only a dead notification can be re-driven.", "info")
    return redirect(url_for(".detail", notification_id=notification_id))
