"""The dashboard: a cheap overview (a few indexed counts, no scans of the log)."""

from datetime import timedelta

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select, text

from app.console.security import role_required
from app.core.access.operators import has_role
from app.core.db import is_postgres
from app.extensions import db
from app.models import ApiKey, AuditLog, Contact, Notification, Template
from app.models.notifications import STATUSES
from app.models.types import utcnow

bp = Blueprint("dashboard", __name__)

# Above this many rows an exact count(*) costs more than the dashboard is worth.
ESTIMATE_ABOVE = 100_000


def row_count(model) -> tuple[int, bool]:
    """Return (rows, is_estimate): PostgreSQL's planner estimate for big tables."""
    session = db.session
    if is_postgres(session):
        estimate = session.scalar(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:t)"),
            {"t": model.__tablename__},
        )
        if estimate and estimate > ESTIMATE_ABOVE:
            return int(estimate), True
    return session.scalar(select(func.count()).select_from(model)), False


def notifications_by_status(hours: int = 24) -> dict[str, int]:
    """Return {status: count} for notifications created in the last `hours`."""
    since = utcnow() - timedelta(hours=hours)
    rows = db.session.execute(
        select(Notification.status, func.count())
        .where(Notification.created_at >= since)
        .group_by(Notification.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


@bp.route("/")
@role_required("viewer")
def home():
    return redirect(url_for(".index"))


@bp.route("/dashboard")
@role_required("viewer")
def index():
    by_status = notifications_by_status()
    total = sum(by_status.values())
    contacts, contacts_estimated = row_count(Contact)
    stats = {
        "contacts": contacts,
        "contacts_estimated": contacts_estimated,
        "templates": db.session.scalar(select(func.count()).select_from(Template)),
        "api_keys": db.session.scalar(
            select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))),
        "sent_24h": total,
    }
    recent = []
    if has_role(current_user, "admin"):
        recent = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(6))
    return render_template("console/dashboard.html", stats=stats, by_status=by_status,
                           total=total, recent=list(recent))
