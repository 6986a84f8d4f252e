"""Template versions: the list, one version read-only, a diff of any two, rollback."""

from flask import flash, redirect, render_template, request, url_for

from app.console.audit import current_actor
from app.console.forms import require_confirmation
from app.console.responses import or_404
from app.console.security import role_required
from app.console.templates import forms
from app.console.templates.editor import (
    bp,
    render_budgeted,
    render_editor,
)
from app.core.templates import commands
from app.core.templates import diff as template_diff
from app.core.templates import store as core
from app.errors import HeraldError
from app.extensions import db, htmx

CHANNEL_LABELS = {"push": "Push", "sms": "SMS", "email": "Email"}
FIELD_LABELS = {"deep_link": "Deep link", "html": "HTML", "text": "Text", "data": "Data"}


@bp.route("/<int:template_id>/versions")
@role_required("viewer")
def versions(template_id: int):
    template = or_404(core.get_template, db.session, template_id)
    rows = core.list_versions(db.session, template)
    return render_template("console/templates/versions.html", template=template, versions=rows,
                           live=template.published_version, **_diff_context(template, rows))


def _diff_context(template, rows) -> dict:
    """The two versions to compare (?a=&b=, else the live one and the newest) and the diff."""
    numbers = [v.version for v in rows]
    if len(numbers) < 2:
        return {"diffs": None, "a": None, "b": None, "view": "split"}
    live = template.published_version
    default_b = numbers[0]
    default_a = live.version if live and live.version != default_b else numbers[1]
    a = request.args.get("a", default_a, type=int)
    b = request.args.get("b", default_b, type=int)
    older, newer = (or_404(core.get_version, db.session, template, n) for n in (a, b))
    view = "unified" if request.args.get("view") == "unified" else "split"
    return {"diffs": template_diff.diff_versions(older, newer), "a": older, "b": newer,
            "view": view, "path_label": path_label}


def path_label(path: tuple[str, ...]) -> str:
    """("fr", "email", "html") → "French (fr) · Email · HTML"."""
    if path == ("default_locale",):
        return "Default locale"
    locale, channel, name = path
    label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    return f"{forms.locale_name(locale)} ({locale}) · {CHANNEL_LABELS[channel]} · {label}"


@bp.route("/<int:template_id>/diff")
@role_required("viewer")
def diff(template_id: int):
    """The comparison card alone (htmx), or the versions page showing it."""
    template = or_404(core.get_template, db.session, template_id)
    rows = core.list_versions(db.session, template)
    context = _diff_context(template, rows)
    if htmx and htmx.target == "version-diff":
        return render_template("console/templates/_diff.html", template=template, versions=rows,
                               live=template.published_version, **context)
    return render_template("console/templates/versions.html", template=template, versions=rows,
                           live=template.published_version, **context)


@bp.route("/<int:template_id>/versions/<int:number>")
@role_required("viewer")
@render_budgeted
def version(template_id: int, number: int):
    """One version, read-only, with its preview."""
    template = or_404(core.get_template, db.session, template_id)
    shown = or_404(core.get_version, db.session, template, number)
    if shown.status == "draft":
        return redirect(url_for(".edit", template_id=template.id))
    return render_editor(template, shown, readonly=True, viewing=shown,
                         locale=request.args.get("locale"), channel=request.args.get("channel"))


@bp.route("/<int:template_id>/versions/<int:number>/rollback", methods=["POST"])
@role_required("editor")
def rollback(template_id: int, number: int):
    """Publish a copy of an old version as the newest one; the draft, if any, is kept."""
    template = or_404(core.get_template, db.session, template_id)
    old = or_404(core.get_version, db.session, template, number)
    require_confirmation()
    try:
        restored = commands.roll_back(db.session, template, old, actor=current_actor())
    except HeraldError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return redirect(url_for(".versions", template_id=template.id))
    db.session.commit()
    flash(f"Rolled back: v{restored.version} (a copy of v{old.version}) is live.", "success")
    return redirect(url_for(".versions", template_id=template.id))
