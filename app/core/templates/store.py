"""Templates and their versions: create, save a draft, publish (immutable), roll back."""

import copy
import re

from sqlalchemy import event, func, inspect, select

from app.channels.push import push_is_empty, reserved_data_key
from app.core.contacts.fields import normalise_locale
from app.core.templates import budget
from app.core.templates.rendering import (
    DEFAULT_LIMITS,
    RenderError,
    RenderLimits,
    RenderSkipped,
    check_syntax,
    email_size_errors,
)
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Category, Template, TemplateVersion
from app.models.types import utcnow

# The fields of each channel, in the order the editor shows them.
CHANNEL_FIELDS = {
    "push": ("title", "body", "image", "deep_link", "sound", "badge", "data"),
    "sms": ("text",),
    "email": ("subject", "preheader", "html", "text"),
}
CHANNELS = tuple(CHANNEL_FIELDS)
TEMPLATE_FIELDS = ("key", "name", "category", "description", "published_version_id")
VERSION_FIELDS = ("version", "status", "default_locale", "content")
MAX_BADGE = 99999
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")
MAX_VERSION = 2**31 - 1  # version numbers are INTEGER: larger ones name no version


class VersionImmutable(Conflict):
    """A published version was about to change; publish a new version instead."""


def normalise_content(content: dict) -> dict:
    """Keep the known, non-empty fields: {locale: {channel: {field: value}}}."""
    out = {}
    for locale, channels in (content or {}).items():
        variant = {}
        for channel, fields in (channels or {}).items():
            kept = {name: _clean(name, (fields or {}).get(name))
                    for name in CHANNEL_FIELDS.get(channel, ())}
            kept = {name: value for name, value in kept.items() if value not in (None, "", {})}
            if kept:
                variant[channel] = kept
        out[locale] = variant
    return out


def _clean(name: str, value):
    if name == "data":
        return {str(k).strip(): str(v) for k, v in (value or {}).items() if str(k).strip()}
    if name == "badge" or value is None:
        return value
    value = str(value)
    return value if value.strip() else ""


def content_errors(content: dict, default_locale: str,
                   limits: RenderLimits = DEFAULT_LIMITS) -> list[dict]:
    """Return field errors that make content unsaveable (locale, syntax, size, badge, data).

    Every source is compiled under one render budget, so a hostile draft costs one budget.
    """
    errors = []
    if default_locale not in content:
        errors.append({"field": "/default_locale",
                       "message": f"there is no {default_locale} variant to fall back to"})
    with budget.scope(limits):
        for locale, variant in content.items():
            errors += _locale_errors(locale)
            for channel, fields in variant.items():
                errors += _channel_errors(channel, fields, f"/{locale}/{channel}", limits)
    return errors


def _channel_errors(channel: str, fields: dict, prefix: str, limits: RenderLimits) -> list:
    if channel == "email":
        too_big = email_size_errors(fields, prefix, limits)
        if too_big:  # not worth compiling
            return too_big
    errors = _syntax_errors(channel, fields, prefix, limits)
    if channel == "push":
        errors += _push_errors(fields, prefix)
    return errors


def _locale_errors(locale: str) -> list[dict]:
    try:
        ok = normalise_locale(locale) == locale
    except ValueError:
        ok = False
    return [] if ok else [{"field": f"/{locale}", "message": f"{locale!r} is not a locale tag"}]


def _syntax_errors(channel: str, fields: dict, prefix: str, limits: RenderLimits) -> list[dict]:
    errors = []
    for name, value in fields.items():
        sources = value.items() if name == "data" else [(None, value)]
        for data_key, source in sources:
            if not isinstance(source, str):
                continue
            field = f"{prefix}/{name}" + (f"/{data_key}" if data_key else "")
            try:
                check_syntax(source, html=(channel, name) == ("email", "html"), field=field,
                             limits=limits)
            except RenderSkipped:
                continue  # the field that used up the budget carries the error
            except RenderError as exc:
                errors += [{**e, "field": f"{prefix}/{name}"} for e in exc.errors]
    return errors


def _push_errors(fields: dict, prefix: str) -> list[dict]:
    errors = []
    badge = fields.get("badge")
    if badge is not None and (not isinstance(badge, int) or not 0 <= badge <= MAX_BADGE):
        errors.append({"field": f"{prefix}/badge",
                       "message": f"a whole number from 0 to {MAX_BADGE}"})
    for key in fields.get("data", {}):
        if reserved_data_key(key):
            errors.append({"field": f"{prefix}/data", "message": f"{key!r} is a reserved key"})
    return errors


def publish_errors(content: dict, default_locale: str,
                   limits: RenderLimits = DEFAULT_LIMITS) -> list[dict]:
    """Return what stops content from going live: saveable, and every channel complete."""
    errors = content_errors(content, default_locale, limits)
    for locale, variant in content.items():
        if not variant:
            errors.append({"field": f"/{locale}",
                           "message": f"the {locale} variant is empty: add content or remove it"})
        push, email = variant.get("push"), variant.get("email")
        if push and push_is_empty(push):
            errors.append({"field": f"/{locale}/push/title",
                           "message": "a push needs a title, a body, data or a badge"})
        if email and not email.get("subject"):
            errors.append({"field": f"/{locale}/email/subject", "message": "required"})
        if email and not (email.get("html") or email.get("text")):
            errors.append({"field": f"/{locale}/email/html",
                           "message": "an email needs an HTML or a text part"})
    return errors


def _raise_if(errors: list[dict], detail: str) -> None:
    if errors:
        raise ValidationFailed(detail, errors)


def details_errors(session, name: str, category: str) -> list[dict]:
    errors = []
    if not (name or "").strip():
        errors.append({"field": "/name", "message": "required"})
    if session.scalar(select(Category.id).where(Category.key == category)) is None:
        errors.append({"field": "/category", "message": "unknown category"})
    return errors


def create_template(session, key: str, name: str, category: str, *, description: str = "",
                    default_locale: str = "en", content: dict | None = None,
                    author: str | None = None,
                    limits: RenderLimits = DEFAULT_LIMITS) -> Template:
    """Add a template with its first version, a draft; flush, do not commit."""
    errors = details_errors(session, name, category)
    if not _KEY.match(key or ""):
        errors.append({"field": "/key", "message": "use lowercase letters, digits, '.', '_' "
                       "and '-', starting with a letter or digit"})
    elif session.scalar(select(Template.id).where(Template.key == key)) is not None:
        errors.append({"field": "/key", "message": "another template has this key"})
    content = normalise_content(content or {default_locale: {}})
    errors += content_errors(content, default_locale, limits)
    _raise_if(errors, "The template cannot be created")
    template = Template(key=key, name=name.strip(), category=category,
                        description=description.strip())
    session.add(template)
    session.flush()
    session.add(TemplateVersion(template_id=template.id, version=1, status="draft",
                                default_locale=default_locale, content=content,
                                created_by=author))
    session.flush()
    return template


def update_details(session, template: Template, name: str, category: str,
                   description: str) -> bool:
    """Change a template's name, category and description; return True if any changed."""
    _raise_if(details_errors(session, name, category), "The template cannot be saved")
    changes = {"name": name.strip(), "category": category, "description": description.strip()}
    changed = any(getattr(template, k) != v for k, v in changes.items())
    for attribute, value in changes.items():
        setattr(template, attribute, value)
    return changed


def get_template(session, template_id: int) -> Template:
    template = session.get(Template, template_id)
    if template is None:
        raise NotFound(f"No template {template_id}")
    return template


def list_versions(session, template: Template) -> list[TemplateVersion]:
    """Return every version, newest first."""
    return list(session.scalars(select(TemplateVersion)
                                .where(TemplateVersion.template_id == template.id)
                                .order_by(TemplateVersion.version.desc())))


def get_version(session, template: Template, number: int) -> TemplateVersion:
    version = session.scalar(select(TemplateVersion).where(
        TemplateVersion.template_id == template.id, TemplateVersion.version == number)) \
        if abs(number) <= MAX_VERSION else None
    if version is None:
        raise NotFound(f"Template {template.key} has no version {number}")
    return version


def current_draft(session, template: Template) -> TemplateVersion | None:
    """Return the template's draft (there is at most one: the newest version), or None."""
    return session.scalar(select(TemplateVersion).where(
        TemplateVersion.template_id == template.id, TemplateVersion.status == "draft"))


def working_version(session, template: Template) -> TemplateVersion | None:
    """Return what the editor opens: the draft, else the newest version."""
    return current_draft(session, template) or next(iter(list_versions(session, template)), None)


def _next_number(session, template: Template) -> int:
    latest = session.scalar(select(func.max(TemplateVersion.version))
                            .where(TemplateVersion.template_id == template.id))
    return (latest or 0) + 1


def save_draft(session, template: Template, content: dict, default_locale: str,
               author: str | None = None,
               limits: RenderLimits = DEFAULT_LIMITS) -> tuple[TemplateVersion, bool]:
    """Write content into the draft, starting one if there is none; return (draft, changed).

    Content identical to the live version starts no draft: the live version is returned.
    """
    content = normalise_content(content)
    _raise_if(content_errors(content, default_locale, limits), "The draft cannot be saved")
    draft = current_draft(session, template)
    live = template.published_version
    if draft is None and live and (live.content, live.default_locale) == (content, default_locale):
        return live, False
    if draft is None:
        draft = TemplateVersion(template_id=template.id, version=_next_number(session, template),
                                status="draft", default_locale=default_locale, content=content,
                                created_by=author)
        session.add(draft)
        changed = True
    else:
        changed = (draft.content, draft.default_locale) != (content, default_locale)
        draft.content, draft.default_locale = content, default_locale
        draft.created_by = author if changed else draft.created_by
    template.updated_at = utcnow()
    session.flush()
    return draft, changed


def publish(session, template: Template, version: TemplateVersion,
            limits: RenderLimits = DEFAULT_LIMITS) -> TemplateVersion:
    """Make a draft the version sends use; it can never change afterwards."""
    if version.status != "draft":
        raise VersionImmutable(f"Version {version.version} is already published")
    _raise_if(publish_errors(version.content, version.default_locale, limits),
              "The draft cannot be published")
    version.status, version.published_at = "published", utcnow()
    template.published_version_id = version.id
    template.updated_at = utcnow()
    session.flush()
    return version


def rollback(session, template: Template, version: TemplateVersion,
             author: str | None = None) -> TemplateVersion:
    """Publish a copy of an old published version as the newest version; keep the draft."""
    if version.status != "published":
        raise Conflict("Only a published version can be restored")
    if version.id == template.published_version_id:
        raise Conflict(f"Version {version.version} is already the live version")
    number = _next_number(session, template)
    draft = current_draft(session, template)
    if draft is not None:
        # The draft stays the newest version, so unpublished edits are neither lost
        # nor published by the rollback.
        draft.version = number + 1
        session.flush()
    restored = TemplateVersion(template_id=template.id, version=number, status="published",
                               default_locale=version.default_locale,
                               content=copy.deepcopy(version.content), created_by=author,
                               published_at=utcnow())
    session.add(restored)
    session.flush()
    template.published_version_id = restored.id
    template.updated_at = utcnow()
    session.flush()
    return restored


def discard_draft(session, template: Template) -> TemplateVersion:
    """Delete the draft, back to the published version; a never-published one stays."""
    draft = current_draft(session, template)
    if draft is None:
        raise NotFound("There is no draft to discard")
    if template.published_version_id is None:
        raise Conflict("The first version cannot be discarded; edit it instead")
    session.delete(draft)
    session.flush()
    return draft


@event.listens_for(TemplateVersion, "before_update")
def _refuse_changes_to_published(mapper, connection, target) -> None:
    """Stop any flush that would change a published version, whoever attempts it."""
    state = inspect(target)
    status = state.attrs.status.history
    was = (status.deleted or status.unchanged or [None])[0]
    if was == "published" and any(state.attrs[name].history.has_changes()
                                   for name in ("template_id", *VERSION_FIELDS)):
        raise VersionImmutable(f"Version {target.version} is published and cannot change")


@event.listens_for(TemplateVersion, "before_delete")
def _refuse_deleting_published(mapper, connection, target) -> None:
    """A published version goes only with its whole template."""
    session = inspect(target).session
    deleted = session.deleted if session is not None else ()
    with_template = any(isinstance(row, Template) and row.id == target.template_id
                        for row in deleted)
    if target.status == "published" and not with_template:
        raise VersionImmutable(f"Version {target.version} is published and cannot be deleted")
