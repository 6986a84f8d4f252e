"""First-run data: the default categories every install starts with."""
from sqlalchemy import select

from app.models import Category

DEFAULT_CATEGORIES = [
    {"key": "security", "name": "Security", "critical": True, "quiet_hours": False,
     "description": "Sign-in codes, password resets, security alerts. Always delivered."},
    {"key": "transactional", "name": "Transactional", "quiet_hours": False,
     "description": "Receipts, order and account updates."},
    {"key": "product", "name": "Product updates", "marketing": True,
     "description": "News about features the recipient uses."},
    {"key": "marketing", "name": "Marketing",
     "description": "Promotions and campaigns.", "marketing": True,
     "frequency_cap": 3, "frequency_window_seconds": 7 * 86400,
     "rate_limits": {"push": {"limit": 3, "per_seconds": 86400},
                     "sms": {"limit": 2, "per_seconds": 604800},
                     "email": {"limit": 5, "per_seconds": 604800}}},
]


def seed_categories(session) -> int:
    """Add the default categories that are missing (the caller commits); return how many."""
    existing = set(session.scalars(select(Category.key)))
    added = [Category(**spec) for spec in DEFAULT_CATEGORIES if spec["key"] not in existing]
    session.add_all(added)
    session.flush()
    return len(added)
