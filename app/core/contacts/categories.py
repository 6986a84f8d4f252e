"""Categories of messages (security, orders, marketing) and their delivery rules."""

from sqlalchemy import select

from app.core.access import audit
from app.core.db import upsert
from app.errors import NotFound
from app.models import Category

CATEGORY_FIELDS = ("name", "description", "critical", "default_opt_in", "quiet_hours",
                   "rate_limits", "marketing", "frequency_cap", "frequency_window_seconds",
                   "frequency_action")


def upsert_category(session, key: str, fields: dict, *, actor) -> tuple[Category, bool]:
    """Create or fully replace a category by key, audited as the actor's;
    return (category, created)."""
    old = session.scalar(select(Category).where(Category.key == key))
    before = audit.snapshot(old, CATEGORY_FIELDS) if old is not None else None
    row = {"key": key, **{name: fields[name] for name in CATEGORY_FIELDS}}
    upsert(session, Category, [row], ["key"], list(CATEGORY_FIELDS))
    category = get_category(session, key)
    audit.record(session, actor, "category.replace" if before else "category.create",
                 "category", category.id, before, audit.snapshot(category, CATEGORY_FIELDS))
    return category, before is None


def get_category(session, key: str) -> Category:
    """Return the category; raise NotFound if there is none."""
    category = session.scalar(
        select(Category).where(Category.key == key).execution_options(populate_existing=True)
    )
    if category is None:
        raise NotFound(f"No category {key!r}")
    return category


def list_categories(session, *, after_key: str | None = None,
                    limit: int | None = None) -> list[Category]:
    """By key; `after_key` pages on (keyset)."""
    stmt = select(Category).order_by(Category.key).limit(limit)
    if after_key is not None:
        stmt = stmt.where(Category.key > after_key)
    return list(session.scalars(stmt))
