"""Segments: the list, and the rule builder with its live count and sample.

The builder is plain form fields (see forms.py). htmx posts the whole form:
typing refreshes the preview (`preview`), a field or operator change re-renders its row
(`row`), adding or removing a condition or group re-renders the rules (`builder`); each
answer carries the preview out of band, so the count always follows the rules.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.console.audit import record_change
from app.console.forms import ConfirmForm, require_confirmation
from app.console.responses import or_404
from app.console.security import can, role_required
from app.console.segments import forms
from app.core.segments import store as core
from app.core.segments.vocabulary import FIELDS
from app.errors import HeraldError
from app.extensions import db, htmx
from app.models import Segment

bp = Blueprint("segments", __name__, url_prefix="/segments")
EDITOR = "console/segments/edit.html"


@bp.route("/")
@role_required("viewer")
def index():
    rows = list(db.session.scalars(select(Segment).options(selectinload(Segment.created_by))
                                   .order_by(Segment.updated_at.desc())))
    return render_template("console/segments/index.html", segments=rows,
                           editors=core.last_editors(db.session, [s.id for s in rows]),
                           describe=core.describe_rules)


@bp.route("/<int:segment_id>/count")
@role_required("viewer")
def count(segment_id: int):
    segment = or_404(db.session.get, Segment, segment_id)
    return render_template("console/segments/_count.html",
                           count=core.count_matching(db.session, segment.rules))


def _preview(builder: forms.Builder) -> tuple[core.Preview | None, dict]:
    """Return (the preview, {}) for valid rules, or (None, errors placed on their rows)."""
    try:
        return core.preview(db.session, builder.rules_dict()), {}
    except HeraldError as exc:
        return None, forms.row_errors(exc.errors or [{"field": "", "message": exc.detail}])


def _editor(segment: Segment | None, details: forms.DetailsForm, builder: forms.Builder,
            status: int = 200):
    result, errors = _preview(builder)
    context = dict(segment=segment, details=details, builder=builder, preview=result,
                   errors=errors, fields=FIELDS,
                   known=core.known_values(db.session), readonly=not can("editor"),
                   confirm=ConfirmForm())
    return render_template(EDITOR, **context), 422 if context["errors"] else status


@bp.route("/new")
@role_required("editor")
def new():
    return _editor(None, forms.DetailsForm(), forms.Builder())


@bp.route("/<int:segment_id>")
@role_required("viewer")
def edit(segment_id: int):
    segment = or_404(db.session.get, Segment, segment_id)
    return _editor(segment, forms.DetailsForm(obj=segment), forms.from_rules(segment.rules))


@bp.route("/new", methods=["POST"])
@bp.route("/<int:segment_id>", methods=["POST"])
@role_required("editor")
def save(segment_id: int | None = None):
    segment = or_404(db.session.get, Segment, segment_id) if segment_id else None
    details, builder = forms.DetailsForm(), forms.read_builder(request.form)
    before = core.snapshot(segment) if segment else None
    try:
        if not details.validate_on_submit():
            return _editor(segment, details, builder, 422)
        name, description = details.name.data or "", details.description.data or ""
        if segment is None:
            segment = core.create_segment(db.session, name, builder.rules_dict(), description,
                                          current_user)
        else:
            core.update_segment(db.session, segment, name, builder.rules_dict(), description)
    except HeraldError as exc:
        db.session.rollback()  # rule errors show at their rows: the editor re-checks them
        details.name.errors = [*details.name.errors,
                               *(e["message"] for e in exc.errors if e["field"] == "/name")]
        if not exc.errors:
            details.form_errors.append(exc.detail)
        return _editor(segment, details, builder, 422)
    record_change("segment.update" if before else "segment.create", "segment", segment.id,
                  before, core.snapshot(segment))
    db.session.commit()
    flash(f"Segment “{segment.name}” saved.", "success")
    return redirect(url_for(".edit", segment_id=segment.id))


def _fragment(template: str, builder: forms.Builder, **context):
    """Render a builder fragment, with the preview and error slots out of band."""
    result, errors = _preview(builder)
    common = dict(builder=builder, preview=result, errors=errors, fields=FIELDS,
                  readonly=False, oob=True)
    html = render_template(template, **common, **context)
    return html + render_template("console/segments/_preview.html", **common), \
        422 if errors else 200


@bp.route("/preview", methods=["POST"])
@role_required("editor")
def preview():
    builder = forms.read_builder(request.form)
    result, errors = _preview(builder)
    return render_template("console/segments/_preview.html", builder=builder, preview=result,
                           errors=errors, refresh_slots=True), 422 if errors else 200


@bp.route("/builder/row", methods=["POST"])
@role_required("editor")
def row():
    builder = forms.read_builder(request.form)
    condition = forms.changed_row(builder, htmx.trigger_name if htmx else None)
    if condition is None:
        abort(400)
    return _fragment("console/segments/_row.html", builder, node=condition)


@bp.route("/builder", methods=["POST"])
@role_required("editor")
def builder():
    rows = forms.read_builder(request.form)
    verb, _, target = request.form.get("action", "").partition(":")
    if verb in ("add", "add-group"):
        rows.add(target, group=verb == "add-group")
    elif verb == "remove":
        rows.remove(target)
    if not htmx:
        return _editor(None, forms.DetailsForm(), rows)
    return _fragment("console/segments/_rules.html", rows)


@bp.route("/<int:segment_id>/duplicate", methods=["POST"])
@role_required("editor")
def duplicate(segment_id: int):
    segment = or_404(db.session.get, Segment, segment_id)
    require_confirmation()
    copy = core.duplicate_segment(db.session, segment, current_user)
    record_change("segment.duplicate", "segment", copy.id,
                  after={**core.snapshot(copy), "copied_from": segment.id})
    db.session.commit()
    flash(f"“{copy.name}” is a copy of “{segment.name}”: rename it and change its rules.",
          "success")
    return redirect(url_for(".edit", segment_id=copy.id))


@bp.route("/<int:segment_id>/delete", methods=["POST"])
@role_required("editor")
def delete(segment_id: int):
    segment = or_404(db.session.get, Segment, segment_id)
    require_confirmation()
    before = core.snapshot(segment)
    try:
        core.delete_segment(db.session, segment)
    except HeraldError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return redirect(url_for(".edit", segment_id=segment_id))
    record_change("segment.delete", "segment", segment_id, before)
    db.session.commit()
    flash(f"Segment “{before['name']}” deleted.", "success")
    return redirect(url_for(".index"))
