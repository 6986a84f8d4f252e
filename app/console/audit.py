"""The audit log page; `current_actor` for core commands that audit themselves, and
`record_change` for console changes that are not core commands yet."""

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.console.forms import AuditFilterForm
from app.console.inputs import as_id
from app.console.pagination import cursor_args, keyset_page
from app.console.security import client_ip, role_required
from app.core.access import audit
from app.extensions import db, htmx
from app.models import AuditLog, Operator

bp = Blueprint("audit", __name__, url_prefix="/settings/audit")


def current_actor(operator=None) -> audit.Actor:
    """The signed-in operator (or `operator`) as the actor of a change, with the client's IP."""
    operator = operator if operator is not None else current_user
    if not getattr(operator, "is_authenticated", False):
        operator = None
    return audit.Actor.of(operator, client_ip()) if operator \
        else audit.Actor("system", ip=client_ip())


def record_change(action: str, entity_type: str, entity_id=None, before: dict | None = None,
                  after: dict | None = None, actor=None) -> AuditLog:
    """Add an audit entry for the signed-in operator (or `actor`); commit it with the change.

    Example: record_change("contact.lift_suppression", "contact", contact.id, before)
    """
    return audit.record(db.session, current_actor(actor), action, entity_type, entity_id,
                        before, after)


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    operators = db.session.execute(select(Operator.id, Operator.email).order_by(Operator.email))
    form.operator.choices = [SelectChoice("", "Any operator")] + [
        SelectChoice(str(i), e) for i, e in operators]
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(a) for a in audit.known_values(db.session, AuditLog.action)]
    form.entity_type.choices = [SelectChoice("", "Any entity")] + [
        SelectChoice(t) for t in audit.known_values(db.session, AuditLog.entity_type)]
    return form


@bp.route("/")
@role_required("admin")
def index():
    form = _filter_form()
    form.validate()
    filters = audit.AuditFilter(
        operator_id=as_id(form.operator.data),
        action=form.action.data or None,
        entity_type=form.entity_type.data or None,
        entity_id=(form.entity_id.data or "").strip() or None,
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    page = keyset_page(db.session, audit.filtered(filters), AuditLog.id, **cursor_args())
    diffs = {entry.id: audit.changes(entry.before, entry.after) for entry in page.items}
    template = "console/audit/_results.html" if htmx and htmx.target == "audit-results" \
        else "console/audit/index.html"
    return render_template(template, form=form, page=page, diffs=diffs,
                           filtered=any(vars(filters).values()))
