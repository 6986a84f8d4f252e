"""Categories of messages (security, orders, marketing) and their delivery rules."""

from sqlalchemy import select

from app.core.db import upsert
from app.errors import NotFound
from app.models import Category

CATEGORY_FIELDS = ("name", "description", "critical", "default_opt_in", "quiet_hours",
                   "rate_limits")


def upsert_category(session, key: str, fields: dict) -> tuple[Category, bool]:
    """Create or fully replace a category by key; return (category, created)."""
    created = session.scalar(select(Category.id).where(Category.key == key)) is None
    row = {"key": key, **{name: fields[name] for name in CATEGORY_FIELDS}}
    upsert(session, Category, [row], ["key"], list(CATEGORY_FIELDS))
    return get_category(session, key), created


def get_category(session, key: str) -> Category:
    """Return the category; raise NotFound if there is none."""
    category = session.scalar(
        select(Category).where(Category.key == key).execution_options(populate_existing=True)
    )
    if category is None:
        raise NotFound(f"No category {key!r}")
    return category


def list_categories(session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.key)))
