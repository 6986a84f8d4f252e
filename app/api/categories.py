"""Categories of messages and their delivery rules."""

from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.categories import (
    CategoryIn,
    CategoryList,
    CategoryOut,
    CategoryPath,
    CategoryQuery,
)
from app.core.contacts import categories
from app.extensions import db

TAG = "Categories"


@route("/categories", query=CategoryQuery, response=CategoryList, scope="manage", tag=TAG,
       summary="List categories", description="By key.")
def list_categories(query: CategoryQuery):
    rows = categories.list_categories(
        db.session, after_key=decode_cursor("category", query.cursor, str),
        limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "category", lambda c: c.key)
    data = [CategoryOut.model_validate(c) for c in page]
    return CategoryList(data=data, next_cursor=cursor), 200, next_link(cursor)


@route("/categories/<key>", path=CategoryPath, response=CategoryOut, scope="manage", tag=TAG,
       summary="Read a category")
def get_category(key: str):
    return CategoryOut.model_validate(categories.get_category(db.session, key))


@route("/categories/<key>", "PUT", path=CategoryPath, body=CategoryIn, response=CategoryOut,
       responses={201: CategoryOut}, scope="manage", tag=TAG,
       summary="Create or replace a category")
def put_category(key: str, body: CategoryIn):
    category, created = categories.upsert_category(db.session, key, body.model_dump(),
                                                  actor=current_actor())
    out = CategoryOut.model_validate(category)
    db.session.commit()
    return out, 201 if created else 200
