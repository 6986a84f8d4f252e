"""Keyset pagination for console lists: newest first, `?before=` / `?after=` cursors."""

from dataclasses import dataclass, field

from flask import request, url_for

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
    """Return the current page's URL with some query arguments changed (None drops one)."""
    args = request.args.to_dict()
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
