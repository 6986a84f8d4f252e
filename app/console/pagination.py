"""Keyset pagination for console lists: newest first, `?before=` / `?after=` cursors."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import request

from app.console.inputs import int_arg

DEFAULT_PAGE_SIZE = 50


@dataclass
class Page:
    items: list
    next_cursor: int | None = None  # older rows exist: link with ?before=next_cursor
    prev_cursor: int | None = None  # newer rows exist: link with ?after=prev_cursor
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return self.next_cursor is not None or self.prev_cursor is not None


def keyset_page(session, stmt, column, before: int | None = None, after: int | None = None,
                limit: int = DEFAULT_PAGE_SIZE) -> Page:
    """Run `stmt` (a SELECT of one model) one page at a time, ordered by `column` desc.

    `column` must be unique and indexed (the primary key is ideal): each page is one
    index range scan however deep the reader goes, unlike OFFSET.
    """
    key = column.key
    if after is not None:
        rows = list(session.scalars(stmt.where(column > after).order_by(column.asc())
                                    .limit(limit + 1)))
        newer = len(rows) > limit
        items = list(reversed(rows[:limit]))
        return Page(items,
                    next_cursor=getattr(items[-1], key) if items else None,
                    prev_cursor=getattr(items[0], key) if newer and items else None)
    if before is not None:
        stmt = stmt.where(column < before)
    rows = list(session.scalars(stmt.order_by(column.desc()).limit(limit + 1)))
    items = rows[:limit]
    return Page(items,
                next_cursor=getattr(items[-1], key) if len(rows) > limit else None,
                prev_cursor=getattr(items[0], key) if before is not None and items else None)


def cursor_args() -> dict:
    """Return the `before`/`after` cursors of the current request as ints (or None)."""
    return {name: int_arg(name) for name in ("before", "after")}


def url_with(**changes) -> str:
    """Return the current page's URL with some query arguments changed (None drops one).

    Built from the path and the query string, never url_for keywords: an argument named
    `endpoint`, `_method` or like a path part must not reach url_for. Repeated arguments
    (?has=email&has=phone) stay.
    """
    args = request.args.copy()
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None and value != "":
            args[name] = value
    query = urlencode(list(args.items(multi=True)))
    path = request.script_root + request.path
    return f"{path}?{query}" if query else path
