"""Settings → Data: the log's tables, their partitions, rows, size, retention and next drop;
an admin changes a table's retention here (audited)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app import herald_config
from app.console.audit import current_actor
from app.console.forms import ConfirmForm
from app.console.security import role_required
from app.core.ops import retention
from app.errors import ValidationFailed
from app.extensions import db

bp = Blueprint("data", __name__, url_prefix="/settings/data")


@bp.route("/")
@role_required("admin")
def index():
    return _render()


def _render(errors: dict | None = None, status: int = 200):
    tables = retention.data_overview(db.session, herald_config())
    return render_template("console/data/index.html", tables=tables, errors=errors or {},
                           max_days=retention.MAX_DAYS, form=ConfirmForm()), status


@bp.route("/retention", methods=["POST"])
@role_required("admin")
def change_retention():
    if not ConfirmForm().validate_on_submit():
        return _render({"days": ["The form expired; send it again."]}, 400)
    policy = request.form.get("table", "")
    try:
        retention.set_policy(db.session, current_actor(None), policy, request.form.get("days"))
    except ValidationFailed as exc:
        db.session.rollback()
        return _render({policy: [e["message"] for e in exc.errors]}, 422)
    db.session.commit()
    days = retention.policies(db.session, herald_config())[policy]
    flash(f"{retention.POLICIES[policy][1]}: kept {days} days from now on.", "success")
    return redirect(url_for(".index"))
