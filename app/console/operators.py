"""Settings → Operators: list, invite (one-time set-password link), role, enable/disable."""

from flask import Blueprint, abort, current_app, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app import herald_config
from app.console.audit import record_change
from app.console.forms import (
    InviteOperatorForm,
    RoleForm,
    attach_errors,
    require_confirmation,
)
from app.console.responses import fragment_or_redirect, or_404
from app.console.security import role_required
from app.core.access import operators as core
from app.extensions import db
from app.models import Operator
from app.models.types import utcnow

bp = Blueprint("operators", __name__, url_prefix="/settings/operators")


def set_password_link(operator: Operator) -> str:
    """Return the one-time set-password URL, on BASE_URL (not on the request's Host)."""
    token = core.make_password_token(operator, current_app.config["SECRET_KEY"])
    base_url = herald_config().BASE_URL.rstrip("/")
    return base_url + url_for("console.auth.set_password", token=token)


def _row(operator: Operator):
    return fragment_or_redirect("console/operators/_row.html", url_for(".index"),
                                op=operator, now=utcnow(), role_form=RoleForm())


@bp.route("/")
@role_required("admin")
def index():
    rows = db.session.scalars(select(Operator).order_by(Operator.active.desc(), Operator.email))
    return render_template("console/operators/index.html", operators=list(rows),
                           now=utcnow(), role_form=RoleForm())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def invite():
    form = InviteOperatorForm()
    if form.validate_on_submit():
        try:
            operator = core.create_operator(db.session, form.email.data, form.role.data,
                                            form.name.data or "")
        except core.OperatorError as exc:
            attach_errors(form, exc)
        else:
            record_change("operator.invite", "operator", operator.id,
                          after=core.snapshot(operator))
            db.session.commit()
            return render_template("console/operators/link.html", operator=operator,
                                   link=set_password_link(operator), invited=True)
    return render_template("console/operators/invite.html", form=form), \
        422 if form.errors else 200


@bp.route("/<int:operator_id>/role", methods=["POST"])
@role_required("admin")
def change_role(operator_id: int):
    operator = or_404(db.session.get, Operator, operator_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    before = core.snapshot(operator)
    try:
        core.change_role(db.session, operator, form.role.data)
    except core.OperatorError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _row(operator)
    if operator.role != before["role"]:
        record_change("operator.change_role", "operator", operator.id, before,
                      core.snapshot(operator))
        db.session.commit()
        flash(f"{operator.email} is now {operator.role}.", "success")
    return _row(operator)


@bp.route("/<int:operator_id>/<any(enable, disable):verb>", methods=["POST"])
@role_required("admin")
def set_active(operator_id: int, verb: str):
    operator = or_404(db.session.get, Operator, operator_id)
    require_confirmation()
    before = core.snapshot(operator)
    try:
        core.set_active(db.session, operator, verb == "enable", current_user)
    except core.OperatorError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _row(operator)
    record_change(f"operator.{verb}", "operator", operator.id, before, core.snapshot(operator))
    db.session.commit()
    flash(f"{operator.email} is {verb}d.", "success")
    return _row(operator)


@bp.route("/<int:operator_id>/reset-link", methods=["POST"])
@role_required("admin")
def reset_link(operator_id: int):
    operator = or_404(db.session.get, Operator, operator_id)
    require_confirmation()
    record_change("operator.issue_password_link", "operator", operator.id)
    db.session.commit()
    return render_template("console/operators/link.html", operator=operator,
                           link=set_password_link(operator), invited=False)
