"""Templates: list, read, create, edit the draft, publish, versions, roll back."""

from functools import wraps

from app import herald_config
from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.templates import (
    DraftIn,
    TemplateIn,
    TemplateOut,
    TemplatePage,
    TemplatePatch,
    TemplatePath,
    TemplateQuery,
    TemplateSummary,
    VersionOut,
    VersionPage,
    VersionPath,
    VersionQuery,
)
from app.core.templates import commands, store
from app.core.templates.budget import scope
from app.core.templates.rendering import RenderLimits
from app.errors import ValidationFailed
from app.extensions import db

TAG = "Templates"
ONE = "/templates/<key>"
DETAILS = ("/key", "/name", "/category", "/description", "/default_locale")


def _limits() -> RenderLimits:
    return RenderLimits.from_config(herald_config())


def budgeted(view):
    """Check and render a request's content on one budget, and point content errors at
    `/content/...` (the core names them from the locale down)."""

    @wraps(view)
    def run(*args, **kwargs):
        try:
            with scope(_limits()):
                return view(*args, **kwargs)
        except ValidationFailed as exc:
            exc.errors = [e if e["field"] in DETAILS else {**e, "field": "/content" + e["field"]}
                          for e in exc.errors]
            raise

    return run


def summary(template, live=None, draft=None) -> TemplateSummary:
    return TemplateSummary(
        key=template.key, name=template.name, category=template.category,
        description=template.description, created_at=template.created_at,
        updated_at=template.updated_at, live_version=live.version if live else None,
        draft_version=draft.version if draft else None)


def template_out(template) -> TemplateOut:
    live = template.published_version
    draft = store.current_draft(db.session, template)
    return TemplateOut(**summary(template, live, draft).model_dump(),
                       live=VersionOut.model_validate(live) if live else None,
                       draft=VersionOut.model_validate(draft) if draft else None)


def _template(key: str):
    return commands.get_by_key(db.session, key)


@route("/templates", query=TemplateQuery, response=TemplatePage, scope="manage", tag=TAG,
       summary="List templates", description="Oldest first; filter by category or by part "
                                             "of the key or name (`q`).")
def list_templates(query: TemplateQuery):
    rows = commands.list_templates(
        db.session, q=query.q, category=query.category,
        after_id=decode_cursor("template", query.cursor, int), limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "template", lambda t: t.id)
    live, drafts = commands.live_and_drafts(db.session, page)
    data = [summary(t, live.get(t.id), drafts.get(t.id)) for t in page]
    return TemplatePage(data=data, next_cursor=cursor), 200, next_link(cursor)


@route("/templates", "POST", body=TemplateIn, response=TemplateOut, status=201, scope="manage",
       tag=TAG, summary="Create a template with a first draft",
       description="The content is checked as the console's editor checks it (locales, "
                   "syntax, sizes, the render budget); publish the draft to send with it.")
@budgeted
def create_template(body: TemplateIn):
    template = commands.create(
        db.session, body.key, body.name, body.category, description=body.description,
        default_locale=body.default_locale,
        content=body.model_dump(exclude_none=True)["content"] if body.content else None,
        actor=current_actor(), limits=_limits())
    db.session.commit()
    return template_out(template), 201


@route(ONE, path=TemplatePath, response=TemplateOut, scope="manage", tag=TAG,
       summary="Read a template, its live version and its draft")
def get_template(key: str):
    return template_out(_template(key))


@route(ONE, "PATCH", path=TemplatePath, body=TemplatePatch, response=TemplateOut,
       scope="manage", tag=TAG, summary="Change a template's name, category or description")
def patch_template(key: str, body: TemplatePatch):
    template = _template(key)
    changes = {"name": template.name, "category": template.category,
               "description": template.description, **body.model_dump(exclude_none=True)}
    commands.update_details(db.session, template, **changes, actor=current_actor())
    db.session.commit()
    return template_out(template)


@route(ONE + "/draft", "PUT", path=TemplatePath, body=DraftIn, response=VersionOut,
       scope="manage", tag=TAG, summary="Write the draft",
       description="Replaces the draft's content, starting a draft (the next version) if "
                   "there is none. Content equal to the live version starts no draft: the "
                   "live version is returned.")
@budgeted
def put_draft(key: str, body: DraftIn):
    template = _template(key)
    content = body.model_dump(exclude_none=True)["content"]
    draft, _ = commands.save_draft(db.session, template, content, body.default_locale,
                                   actor=current_actor(), limits=_limits())
    db.session.commit()
    return VersionOut.model_validate(draft)


@route(ONE + "/draft", "DELETE", path=TemplatePath, response=None, status=204,
       scope="manage", tag=TAG, problems=(409,), summary="Discard the draft",
       description="Back to the live version; 404 if there is no draft, 409 for a template "
                   "never published (edit its draft instead).")
def discard_draft(key: str):
    commands.discard_draft(db.session, _template(key), actor=current_actor())
    db.session.commit()


@route(ONE + "/publish", "POST", path=TemplatePath, response=VersionOut, scope="manage",
       tag=TAG, problems=(409,), summary="Publish the draft",
       description="The draft becomes the live version, which sends use from now on, and "
                   "can never change. 422 names what is incomplete "
                   "(`/content/<locale>/<channel>/<field>`); 409 if there is no draft.")
@budgeted
def publish_template(key: str):
    template = _template(key)
    version = commands.publish(db.session, template, actor=current_actor(), limits=_limits())
    db.session.commit()
    return VersionOut.model_validate(version)


@route(ONE + "/versions", path=TemplatePath, query=VersionQuery, response=VersionPage,
       scope="manage", tag=TAG, summary="List a template's versions", description="Newest "
                                                                               "first.")
def list_versions(key: str, query: VersionQuery):
    template = _template(key)
    rows = commands.list_versions(db.session, template,
                                  before=decode_cursor("version", query.cursor, int),
                                  limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "version", lambda v: v.version)
    data = [VersionOut.model_validate(v) for v in page]
    return VersionPage(data=data, next_cursor=cursor), 200, next_link(cursor)


@route(ONE + "/versions/<int:number>", path=VersionPath, response=VersionOut,
       scope="manage", tag=TAG, summary="Read one version")
def get_version(key: str, number: int):
    return VersionOut.model_validate(store.get_version(db.session, _template(key), number))


@route(ONE + "/versions/<int:number>/rollback", "POST", path=VersionPath,
       response=VersionOut, status=201, scope="manage", tag=TAG, problems=(409,),
       summary="Roll back to an earlier published version",
       description="Publishes a copy of that version as the newest version (201); the draft, "
                   "if any, is kept as the version after it. 409 for a draft or the live "
                   "version.")
def rollback_template(key: str, number: int):
    template = _template(key)
    old = store.get_version(db.session, template, number)
    restored = commands.roll_back(db.session, template, old, actor=current_actor())
    db.session.commit()
    return VersionOut.model_validate(restored), 201
