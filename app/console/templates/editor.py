"""What every template view shares: the blueprint, lookups, the render budget, the editor page."""
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from redis.exceptions import RedisError

from app import herald_config, redis_client
from app.console.security import can
from app.console.templates import forms
from app.core.templates import content as checks
from app.core.templates import preview as previews
from app.core.templates import store as core
from app.core.templates.budget import scope
from app.core.templates.rendering import RenderLimits
from app.errors import HeraldError
from app.extensions import db
from app.models import Template

bp = Blueprint("templates", __name__, url_prefix="/templates")


def render_limits() -> RenderLimits:
    return RenderLimits.from_config(herald_config())


def render_budgeted(view):
    """Run a view's template compiles and renders (checks, preview, test send) on one budget."""

    @wraps(view)
    def run(*args, **kwargs):
        with scope(render_limits()):
            return view(*args, **kwargs)

    return run


@dataclass
class Submission:
    """The editor as posted: details, content, and anything wrong with them."""

    details: forms.DetailsForm
    locales: list[str]
    content: dict
    default_locale: str
    errors: list[dict] = field(default_factory=list)


def read_submission(template: Template) -> Submission:
    details = forms.DetailsForm()
    details.category.choices = forms.category_choices(db.session)
    locales = forms.read_locales(request.form)
    content, errors = forms.read_content(request.form, locales)
    details.validate_on_submit()
    default_locale = details.default_locale.data or (locales[0] if locales else "en")
    return Submission(details, locales, content, default_locale, errors)


def render_editor(template: Template, version, submission: Submission | None = None,
                  errors: list[dict] | None = None, status: int = 200, **extra):
    """Render the editor for a version, or for posted content (with its errors)."""
    context = editor_context(template, version, submission, errors or [], **extra)
    return render_template("console/templates/edit.html", **context,
                           test_send_key=new_send_key()), status


def new_send_key() -> str:
    """A fresh idempotency key for the next test send: a double submit sends once."""
    return uuid.uuid4().hex


EMAIL_PREVIEW_TTL = 1800


def email_key(token: str) -> str:
    return f"herald:template-preview:{token}"


def stash_email(html: str | None) -> str | None:
    """Keep rendered email HTML for the preview frame; return its token (None if none)."""
    if not html:
        return None
    secret = current_app.config["SECRET_KEY"].encode()
    token = hmac.new(secret, f"{current_user.id}:{html}".encode(), hashlib.sha256).hexdigest()
    try:
        redis_client().set(email_key(token), html, ex=EMAIL_PREVIEW_TTL)
    except RedisError:
        return None
    return token


def sample_and_contact(errors: list[dict]):
    """Read the sample data and the previewed contact; add their errors to `errors`."""
    try:
        sample = previews.parse_sample(request.form.get("sample_data", ""))
    except HeraldError as exc:
        sample = {}
        errors += exc.errors
    contact = None
    if request.form.get("preview_source") == "contact":
        try:
            contact = previews.find_contact(db.session, request.form.get("preview_contact", ""))
        except HeraldError as exc:
            errors += exc.errors
    return sample, contact


def senders() -> dict:
    config = herald_config()
    return {"sms": config.TWILIO_FROM, "email": config.EMAIL_FROM}


def email_html(preview) -> str | None:
    return (preview.channels["email"].content or {}).get("html")


def editor_context(template, version, submission, errors, readonly=False, locale=None,
                   channel=None, **extra) -> dict:
    """Everything edit.html needs, from a stored version or from posted content."""
    if submission is not None:
        content, default_locale = submission.content, submission.default_locale
        locales, details = submission.locales, submission.details
        sample_text = request.form.get("sample_data", "")
    else:
        content = (version.content if version else None) or {"en": {}}
        default_locale = version.default_locale if version else "en"
        locales = [default_locale, *sorted(k for k in content if k != default_locale)]
        details = forms.DetailsForm(obj=template, default_locale=default_locale)
        sample_text = None
    details.category.choices = forms.category_choices(db.session)
    details.default_locale.choices = [(code, f"{forms.locale_name(code)} ({code})")
                                      for code in locales]
    clean = checks.normalise_content(content)
    skeleton = json.dumps(previews.sample_skeleton(clean), indent=2, ensure_ascii=False)
    sample_errors: list[dict] = []
    sample, contact = sample_and_contact(sample_errors) if submission is not None else ({}, None)
    if sample_text is None:
        sample_text, sample = skeleton, json.loads(skeleton)
    active = locale if locale in locales else default_locale
    limits = render_limits()  # one budget for the whole page: the views are render_budgeted
    preview = previews.render_preview(clean, default_locale, active, sample, contact, limits)
    variant = clean.get(active, {})
    return dict(
        template=template, version=version, content=content, default_locale=default_locale,
        locales=locales, details=details, readonly=readonly, live=template.published_version,
        draft=core.current_draft(db.session, template),
        slots=forms.error_slots([*errors, *sample_errors]),
        active_locale=active, active_channel=channel if channel in checks.CHANNELS
        else next((c for c in checks.CHANNELS if c in variant), "push"),
        sample_text=sample_text, skeleton=skeleton, preview=preview, contact=contact,
        email_token=stash_email(email_html(preview)),
        sms_counts={code: previews.sms_count_for(sms["text"], sample, contact, limits)
                    for code in locales if (sms := clean.get(code, {}).get("sms"))},
        live_preview=can("editor"), locale_name=forms.locale_name, senders=senders(),
        locale_names=forms.LOCALE_NAMES, fields=checks.CHANNEL_FIELDS, **extra)
