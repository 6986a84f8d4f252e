"""Templates: the list, a new template, and the editor (save a draft, publish, locales)."""
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.console.audit import current_actor, record_change
from app.console.forms import attach_errors
from app.console.pagination import cursor_args, keyset_page
from app.console.responses import or_404
from app.console.security import can, role_required
from app.console.templates import forms
from app.console.templates.editor import (
    Submission,
    bp,
    read_submission,
    render_budgeted,
    render_editor,
    render_limits,
)
from app.core.contacts.fields import normalise_locale
from app.core.templates import commands
from app.core.templates import content as checks
from app.core.templates import store as core
from app.errors import HeraldError
from app.extensions import db, htmx
from app.models import Category, Template


@bp.route("/")
@role_required("viewer")
def index():
    q, category = request.args.get("q", "").strip(), request.args.get("category", "")
    page = keyset_page(db.session, commands.template_query(q, category), Template.id,
                       **cursor_args())
    live, drafts = commands.live_and_drafts(db.session, page.items)
    context = dict(page=page, live=live, drafts=drafts, q=q, category=category,
                   filtered=bool(q or category),
                   categories=dict(db.session.execute(select(Category.key, Category.name)).all()))
    if htmx and htmx.target == "template-results":
        return render_template("console/templates/_results.html", **context)
    return render_template("console/templates/index.html", **context)


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    form = forms.NewTemplateForm()
    form.category.choices = forms.category_choices(db.session)
    if form.validate_on_submit():
        try:
            template = commands.create(
                db.session, form.key.data.strip(), form.name.data, form.category.data,
                description=form.description.data or "", default_locale=form.default_locale.data,
                actor=current_actor())
        except HeraldError as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            flash(f"“{template.name}” created. Write its content, then publish it.", "success")
            return redirect(url_for(".edit", template_id=template.id))
    return render_template("console/templates/new.html", form=form,
                           locale_names=forms.LOCALE_NAMES), 422 if form.errors else 200


def _active() -> dict:
    return {"locale": request.form.get("preview_locale") or None,
            "channel": request.form.get("preview_channel") or None}


@bp.route("/<int:template_id>")
@role_required("viewer")
@render_budgeted
def edit(template_id: int):
    template = or_404(core.get_template, db.session, template_id)
    version = core.working_version(db.session, template)
    return render_editor(template, version, readonly=not can("editor"),
                         locale=request.args.get("locale"), channel=request.args.get("channel"))


def _save(template: Template, submission: Submission):
    """Apply the details and the draft, with their audit entries; return the draft."""
    details = submission.details
    commands.update_details(db.session, template, name=details.name.data or "",
                            category=details.category.data,
                            description=details.description.data or "", actor=current_actor())
    draft, changed = commands.save_draft(db.session, template, submission.content,
                                         submission.default_locale, actor=current_actor(),
                                         limits=render_limits())
    return draft, changed


def _submit(template: Template, submission: Submission, then):
    """Save the posted editor, then run `then(template, draft, changed)`; 422 inline errors."""
    if submission.details.errors or submission.errors:
        errors = submission.errors + checks.content_errors(
            checks.normalise_content(submission.content), submission.default_locale,
            render_limits())
        return render_editor(template, None, submission, errors, 422, **_active())
    try:
        draft, changed = _save(template, submission)
        response = then(template, draft, changed)
    except HeraldError as exc:
        db.session.rollback()
        attach_errors(submission.details, exc)
        return render_editor(template, None, submission, exc.errors, 422, **_active())
    db.session.commit()
    return response


def _back_to_editor(template: Template, **args):
    active = {k: v for k, v in _active().items() if v}
    return redirect(url_for(".edit", template_id=template.id, **{**active, **args}))


@bp.route("/<int:template_id>", methods=["POST"])
@role_required("editor")
@render_budgeted
def save(template_id: int):
    def then(template, draft, changed):
        flash(f"Draft v{draft.version} saved." if changed else "No changes to save.",
              "success" if changed else "info")
        return _back_to_editor(template)

    template = or_404(core.get_template, db.session, template_id)
    return _submit(template, read_submission(template), then)


@bp.route("/<int:template_id>/publish", methods=["POST"])
@role_required("editor")
@render_budgeted
def publish(template_id: int):
    def then(template, draft, changed):
        if draft.status == "published":
            flash(f"Nothing new to publish: v{draft.version} is live.", "info")
            return _back_to_editor(template)
        commands.publish(db.session, template, draft, actor=current_actor(),
                         limits=render_limits())
        flash(f"Version {draft.version} is live: API sends use it from now on.", "success")
        return _back_to_editor(template)

    template = or_404(core.get_template, db.session, template_id)
    return _submit(template, read_submission(template), then)


@bp.route("/<int:template_id>/locales", methods=["POST"])
@role_required("editor")
@render_budgeted
def add_locale(template_id: int):
    """Save the editor with one more locale, a copy of the default variant to translate."""
    template = or_404(core.get_template, db.session, template_id)
    submission = read_submission(template)
    try:
        code = normalise_locale(request.form.get("new_locale", "").strip())
    except ValueError as exc:
        errors = [{"field": "/new_locale", "message": str(exc)}]
        return render_editor(template, None, submission, errors, 422, **_active())
    if code in submission.content:
        errors = [{"field": "/new_locale", "message": f"there is already a {code} variant"}]
        return render_editor(template, None, submission, errors, 422, **_active())
    copy_default = request.form.get("copy_default") == "1"
    submission.content[code] = (dict(submission.content.get(submission.default_locale, {}))
                                if copy_default else {})

    def then(template, draft, changed):
        record_change("template.add_locale", "template", template.id,
                      after={"locale": code, "version": draft.version})
        flash(f"{forms.locale_name(code)} ({code}) added to draft v{draft.version}.", "success")
        return _back_to_editor(template, locale=code)

    return _submit(template, submission, then)


@bp.route("/<int:template_id>/locales/<locale>/remove", methods=["POST"])
@role_required("editor")
@render_budgeted
def remove_locale(template_id: int, locale: str):
    template = or_404(core.get_template, db.session, template_id)
    submission = read_submission(template)
    if locale == submission.default_locale:
        errors = [{"field": f"/{locale}", "message": "the default locale cannot be removed"}]
        return render_editor(template, None, submission, errors, 422, **_active())
    submission.content.pop(locale, None)
    submission.locales = [code for code in submission.locales if code != locale]

    def then(template, draft, changed):
        record_change("template.remove_locale", "template", template.id,
                      before={"locale": locale}, after={"version": draft.version})
        flash(f"{forms.locale_name(locale)} ({locale}) removed from draft v{draft.version}.",
              "success")
        return _back_to_editor(template, locale=submission.default_locale)

    return _submit(template, submission, then)


@bp.route("/<int:template_id>/draft/discard", methods=["POST"])
@role_required("editor")
def discard_draft(template_id: int):
    template = or_404(core.get_template, db.session, template_id)
    try:
        draft = commands.discard_draft(db.session, template, actor=current_actor())
    except HeraldError as exc:
        flash(exc.detail, "error")
        return redirect(url_for(".edit", template_id=template.id))
    db.session.commit()
    flash(f"Draft v{draft.version} discarded; the editor shows the live version.", "success")
    return redirect(url_for(".edit", template_id=template.id))
