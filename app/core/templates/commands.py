"""Template commands as the console and the API run them: each validates (under the
render budget), changes the store and writes its audit entry; the caller commits."""

from sqlalchemy import or_, select

from app.core.access import audit
from app.core.access.audit import snapshot
from app.core.templates import store
from app.core.templates.rendering import DEFAULT_LIMITS, RenderLimits
from app.errors import Conflict, NotFound
from app.models import Template, TemplateVersion


def version_snapshot(version: TemplateVersion | None) -> dict | None:
    return snapshot(version, store.VERSION_FIELDS) if version is not None else None


def _details(template: Template) -> dict:
    return snapshot(template, store.TEMPLATE_FIELDS)


def template_query(q: str | None = None, category: str | None = None):
    """SELECT Template matching a search of key and name and a category (unordered)."""
    stmt = select(Template)
    if q:
        stmt = stmt.where(or_(Template.name.icontains(q, autoescape=True),
                              Template.key.icontains(q, autoescape=True)))
    if category:
        stmt = stmt.where(Template.category == category)
    return stmt


def list_templates(session, *, q: str | None = None, category: str | None = None,
                   after_id: int | None = None, limit: int = 50) -> list[Template]:
    """Oldest first; `after_id` pages on (keyset)."""
    stmt = template_query(q, category)
    if after_id is not None:
        stmt = stmt.where(Template.id > after_id)
    return list(session.scalars(stmt.order_by(Template.id).limit(limit)))


def live_and_drafts(session, templates: list[Template]) -> tuple[dict, dict]:
    """Return ({template id: live version}, {template id: draft}) in one query."""
    ids = [t.id for t in templates]
    live_ids = [t.published_version_id for t in templates if t.published_version_id]
    rows = session.scalars(select(TemplateVersion).where(or_(
        TemplateVersion.id.in_(live_ids),
        TemplateVersion.template_id.in_(ids) & (TemplateVersion.status == "draft"))))
    live, drafts = {}, {}
    for row in rows:
        (drafts if row.status == "draft" else live)[row.template_id] = row
    return live, drafts


def get_by_key(session, key: str) -> Template:
    template = session.scalar(select(Template).where(Template.key == key))
    if template is None:
        raise NotFound(f"No template {key!r}")
    return template


def list_versions(session, template: Template, *, before: int | None = None,
                  limit: int = 50) -> list[TemplateVersion]:
    """Newest first; `before` (a version number) pages on."""
    stmt = select(TemplateVersion).where(TemplateVersion.template_id == template.id)
    if before is not None:
        stmt = stmt.where(TemplateVersion.version < before)
    return list(session.scalars(stmt.order_by(TemplateVersion.version.desc()).limit(limit)))


def create(session, key: str, name: str, category: str, *, actor, description: str = "",
           default_locale: str = "en", content: dict | None = None,
           limits: RenderLimits = DEFAULT_LIMITS) -> Template:
    """Add a template and its first draft."""
    template = store.create_template(
        session, key, name, category, description=description, default_locale=default_locale,
        content=content, author=audit.Actor.of(actor).name, limits=limits)
    audit.record(session, actor, "template.create", "template", template.id,
                 after=_details(template))
    return template


def update_details(session, template: Template, *, name: str, category: str,
                   description: str, actor) -> bool:
    """Change name, category and description; return True (and audit) if any changed."""
    before = _details(template)
    changed = store.update_details(session, template, name, category, description)
    if changed:
        audit.record(session, actor, "template.update", "template", template.id, before,
                     _details(template))
    return changed


def save_draft(session, template: Template, content: dict, default_locale: str, *, actor,
               limits: RenderLimits = DEFAULT_LIMITS) -> tuple[TemplateVersion, bool]:
    """Write the draft (see store.save_draft); return (draft or live version, changed)."""
    before = version_snapshot(store.current_draft(session, template))
    draft, changed = store.save_draft(session, template, content, default_locale,
                                      audit.Actor.of(actor).name, limits)
    if changed:
        audit.record(session, actor, "template.save_draft", "template", template.id, before,
                     version_snapshot(draft))
    return draft, changed


def publish(session, template: Template, draft: TemplateVersion | None = None, *, actor,
            limits: RenderLimits = DEFAULT_LIMITS) -> TemplateVersion:
    """Make the draft (by default the current one) live."""
    draft = draft or store.current_draft(session, template)
    if draft is None:
        raise Conflict("There is no draft to publish: save one first")
    before = {"published_version_id": template.published_version_id}
    store.publish(session, template, draft, limits)
    audit.record(session, actor, "template.publish", "template", template.id, before,
                 {"published_version_id": draft.id, "version": draft.version})
    return draft


def roll_back(session, template: Template, old: TemplateVersion, *, actor) -> TemplateVersion:
    """Publish a copy of an old published version as the newest one; the draft is kept."""
    live = template.published_version
    before = {"published_version_id": template.published_version_id,
              "version": live.version if live else None}
    restored = store.rollback(session, template, old, author=audit.Actor.of(actor).name)
    audit.record(session, actor, "template.rollback", "template", template.id, before,
                 {"published_version_id": restored.id, "version": restored.version,
                  "restored_from": old.version, "content": restored.content})
    return restored


def discard_draft(session, template: Template, *, actor) -> TemplateVersion:
    """Delete the draft, back to the live version."""
    draft = store.discard_draft(session, template)
    audit.record(session, actor, "template.discard_draft", "template", template.id,
                 version_snapshot(draft))
    return draft
