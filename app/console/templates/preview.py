"""The editor's live parts: preview, SMS counter, email frame, contact picker, test send."""
from flask import render_template, request, url_for
from redis.exceptions import RedisError
from werkzeug.routing import BuildError

from app import herald_config, redis_client
from app.console.audit import current_actor, record_change
from app.console.responses import or_404
from app.console.security import role_required
from app.console.templates import forms
from app.console.templates.editor import (
    bp,
    email_html,
    email_key,
    new_send_key,
    read_submission,
    render_budgeted,
    render_editor,
    render_limits,
    sample_and_contact,
    senders,
    stash_email,
)
from app.core.delivery.send import notifications_of, send
from app.core.templates import content as checks
from app.core.templates import preview as previews
from app.core.templates import store as core
from app.errors import HeraldError
from app.extensions import db, htmx

# The email preview is the author's own HTML: no scripts, no requests but images and
# fonts; shown in a sandboxed frame of the console only.
EMAIL_FRAME_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; "
                   "font-src data: https:; frame-ancestors 'self'; sandbox")


@bp.route("/preview", methods=["POST"])
@role_required("editor")
@render_budgeted
def preview():
    """Render the posted editor for the preview pane; field errors go next to the fields."""
    locales = forms.read_locales(request.form)
    raw, errors = forms.read_content(request.form, locales)
    content = checks.normalise_content(raw)
    default_locale = request.form.get("default_locale") or (locales[0] if locales else "en")
    if default_locale not in content:
        default_locale = next(iter(content), "en")
    limits = render_limits()
    errors += checks.content_errors(content, default_locale, limits)
    sample, contact = sample_and_contact(errors)
    locale = request.form.get("preview_locale") or default_locale
    result = previews.render_preview(content, default_locale, locale, sample, contact, limits)
    return render_template(
        "console/templates/_preview.html", preview=result, contact=contact,
        email_token=stash_email(email_html(result)), oob=True, senders=senders(),
        locale_name=forms.locale_name,
        slots=forms.error_slots([*errors, *result.errors]),
        slot_ids=[*forms.slot_ids(locales), "err-sample_data", "err-contact"])


@bp.route("/sms-count", methods=["POST"])
@role_required("editor")
@render_budgeted
def sms_count():
    """The counter under an SMS text: encoding, characters, segments (as rendered)."""
    locale = request.form.get("locale", "")
    text = request.form.get(f"{locale}.sms.text", "")
    sample, contact = sample_and_contact([])
    count, rendered = previews.sms_count_for(text, sample, contact, render_limits())
    return render_template("console/templates/_sms_count.html", count=count, rendered=rendered,
                           empty=not text.strip(), locale=locale)


@bp.route("/preview/email/<token>")
@role_required("viewer")
def email_frame(token: str):
    """The rendered email HTML, for the preview's sandboxed frame, under its own CSP."""
    try:
        html = redis_client().get(email_key(token))
    except RedisError:
        html = None
    body = html.decode() if html else render_template("console/templates/_email_expired.html")
    return body, 200, {"Content-Security-Policy": EMAIL_FRAME_CSP,
                       "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer",
                       "Content-Type": "text/html; charset=utf-8"}


@bp.route("/contacts")
@role_required("viewer")
def contact_options():
    """<option>s for the contact pickers' datalist."""
    prefix = next((v for v in request.args.values() if v.strip()), "")
    contacts = previews.suggest_contacts(db.session, prefix) if len(prefix.strip()) >= 1 else []
    return render_template("console/templates/_contact_options.html", contacts=contacts)


def notification_url(notification_id) -> str:
    """Link to one notification in the log (its detail page once that area has one)."""
    try:
        return url_for("console.notifications.detail", notification_id=notification_id)
    except BuildError:
        return url_for("console.notifications.index", id=notification_id)


@bp.route("/<int:template_id>/test-send", methods=["POST"])
@role_required("editor")
@render_budgeted
def test_send(template_id: int):
    """Send the editor's content to one contact through the normal pipeline."""
    template = or_404(core.get_template, db.session, template_id)
    submission = read_submission(template)
    errors = list(submission.errors)
    sample, _ = sample_and_contact(errors)
    channels = [c for c in request.form.getlist("test_channels") if c in checks.CHANNELS]
    rows, contact = [], None
    try:
        contact = previews.find_contact(db.session, request.form.get("test_contact", ""))
    except HeraldError as exc:
        errors += exc.errors
    if not errors:
        rows, errors = _send(template, submission, contact, channels, sample)
    context = dict(rows=rows, errors=errors, contact=contact, template=template,
                   notification_url=notification_url, next_send_key=new_send_key())
    status = 422 if errors else 200
    if htmx:
        return render_template("console/templates/_test_send.html", **context), status
    return render_editor(template, None, submission, [], status, test_result=context,
                         locale=request.form.get("preview_locale"))


def _send(template, submission, contact, channels, sample):
    """Send through the API's entry, idempotent on the form's key (a double submit sends
    once and shows the first result)."""
    config = herald_config()
    redis = redis_client()
    content = checks.normalise_content(submission.content)
    request_ = previews.test_send_request(template, content, submission.default_locale,
                                          contact, channels, sample)
    try:
        sent = send(db.session, redis, config, request_, actor=current_actor(),
                    idempotency_key=request.form.get("test_send_key") or None)
    except HeraldError as exc:
        db.session.rollback()
        return [], exc.errors or [{"field": "", "message": exc.detail}]
    if sent.replayed:
        db.session.rollback()  # the keys claimed before the repeated one
        return notifications_of(db.session, sent.body), []
    record_change("template.test_send", "template", template.id, after={
        "contact": contact.external_id, "channels": channels or "all", **sent.body})
    db.session.commit()
    sent.enqueue(redis, config)
    return sent.accepted.notifications, []
