"""Templates and their versions: create, save a draft, publish (immutable), roll back."""

import copy
import re

from sqlalchemy import event, func, inspect, select

from app.core.templates.content import (
    content_errors,
    normalise_content,
    publish_errors,
)
from app.core.templates.rendering import (
    DEFAULT_LIMITS,
    RenderLimits,
)
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Category, Template, TemplateVersion
from app.models.types import utcnow

TEMPLATE_FIELDS = ("key", "name", "category", "description", "published_version_id")
VERSION_FIELDS = ("version", "status", "default_locale", "content")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")
MAX_VERSION = 2**31 - 1  # version numbers are INTEGER: larger ones name no version


class VersionImmutable(Conflict):
    """A published version was about to change; publish a new version instead."""


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
