"""Contact preferences per category and channel: effective values and set-based updates.

The send path checks preferences in batch with app.core.delivery.rules.opted_out(); the helpers
here read one contact's full picture (API, console, preference page) and write choices.
"""

from sqlalchemy import select

from app.core.access import audit
from app.core.db import upsert
from app.errors import ValidationFailed
from app.models import Category, Preference
from app.models.contacts import CHANNELS
from app.models.types import utcnow


def opted_in(category: Category, choice: bool | None) -> bool:
    """The contact's stored choice, else the category's default: the one opt-in default."""
    return category.default_opt_in if choice is None else choice


def effective_preferences(session, contact_id: int) -> dict[str, dict[str, bool]]:
    """Return {category key: {channel: opted in}} for every category and channel.

    A channel without a stored choice takes the category's default_opt_in. Critical
    categories are delivered whatever this says (the send path bypasses preferences).
    """
    explicit = {
        (category_id, channel): choice
        for category_id, channel, choice in session.execute(
            select(Preference.category_id, Preference.channel, Preference.opted_in).where(
                Preference.contact_id == contact_id
            )
        )
    }
    return {
        category.key: {
            channel: opted_in(category, explicit.get((category.id, channel)))
            for channel in CHANNELS
        }
        for category in session.scalars(select(Category).order_by(Category.key))
    }


def is_opted_in(session, contact_id: int, category_key: str, channel: str) -> bool:
    """Return the contact's effective choice for one category and channel (critical aside)."""
    category = session.scalar(select(Category).where(Category.key == category_key))
    if category is None:
        raise ValidationFailed(f"Unknown category {category_key!r}")
    choice = session.scalar(
        select(Preference.opted_in).where(
            Preference.contact_id == contact_id,
            Preference.category_id == category.id,
            Preference.channel == channel,
        )
    )
    return opted_in(category, choice)


def update_preferences(
    session, contact_id: int, choices: dict[str, dict[str, bool]], source: str = "api", *,
    actor, current: dict[str, dict[str, bool]] | None = None,
) -> None:
    """Store {category key: {channel: opted in}} in one upsert and audit it as the actor's;
    unknown names raise 422. `current`: the effective preferences, if already read."""
    ids = dict(
        session.execute(
            select(Category.key, Category.id).where(Category.key.in_(list(choices)))
        ).all()
    )
    errors = [
        {"field": f"/categories/{key}", "message": "unknown category"}
        for key in choices
        if key not in ids
    ] + [
        {"field": f"/categories/{key}/{channel}", "message": "unknown channel"}
        for key, channels in choices.items()
        for channel in channels
        if channel not in CHANNELS
    ]
    if errors:
        raise ValidationFailed("Some preferences name unknown categories or channels", errors)
    now = utcnow()
    rows = [
        {"contact_id": contact_id, "category_id": ids[key], "channel": channel,
         "opted_in": choice, "source": source, "updated_at": now}
        for key, channels in choices.items()
        for channel, choice in channels.items()
    ]
    current = current if current is not None else effective_preferences(session, contact_id)
    upsert(session, Preference, rows, ["contact_id", "category_id", "channel"],
           ["opted_in", "source", "updated_at"])
    if rows:
        audit.record(session, actor, "contact.preferences", "contact", contact_id,
                     {f"{key}.{channel}": current.get(key, {}).get(channel)
                      for key, channels in choices.items() for channel in channels},
                     {f"{key}.{channel}": choice
                      for key, channels in choices.items() for channel, choice in channels.items()})
