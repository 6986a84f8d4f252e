"""One contact in full: devices, the preference matrix, suppressions, notification history.

Each reader is one query (the history's status transitions too, for a whole page at once).
Writers return what changed, so the caller can audit it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select

from app.core.contacts.preferences import effective_preferences, opted_in, update_preferences
from app.errors import NotFound
from app.models import (
    Category,
    Contact,
    Device,
    Notification,
    NotificationStatus,
    Preference,
    Suppression,
)
from app.models.contacts import CHANNELS

# Which suppression channel blocks which contact address.
ADDRESS_CHANNELS = (("email", Contact.email), ("sms", Contact.phone))


def get_contact_by_id(session, contact_id: int) -> Contact:
    """Return the contact; raise NotFound if there is none."""
    contact = session.get(Contact, contact_id, populate_existing=True)
    if contact is None:
        raise NotFound(f"No contact {contact_id}")
    return contact


def devices_of(session, contact_id: int) -> list[Device]:
    """Return the contact's devices, active ones first, most recently seen first."""
    return list(session.scalars(
        select(Device).where(Device.contact_id == contact_id)
        .order_by(Device.active.desc(), Device.last_seen_at.desc(), Device.id.desc())))


@dataclass(frozen=True)
class Cell:
    opted_in: bool
    explicit: bool  # False: the category's default applies
    updated_at: datetime | None = None
    source: str | None = None


def preference_matrix(session, contact_id: int) -> list[tuple[Category, dict[str, Cell]]]:
    """Return [(category, {channel: Cell})] for every category, by name."""
    stored = {
        (p.category_id, p.channel): p
        for p in session.scalars(select(Preference).where(Preference.contact_id == contact_id))
    }
    matrix = []
    for category in session.scalars(select(Category).order_by(Category.name, Category.key)):
        cells = {}
        for channel in CHANNELS:
            row = stored.get((category.id, channel))
            cells[channel] = (Cell(row.opted_in, True, row.updated_at, row.source) if row
                              else Cell(opted_in(category, None), False))
        matrix.append((category, cells))
    return matrix


def change_preferences(session, contact_id: int, choices: dict[str, dict[str, bool]],
                       source: str = "console", *, actor) -> tuple[dict, dict]:
    """Store the choices that differ from the effective ones, audited as the actor's;
    return (before, after).

    Both map "category.channel" to opted in, for the changed cells only; unknown
    categories or channels raise ValidationFailed and write nothing.
    """
    current = effective_preferences(session, contact_id)
    changed = {
        key: {channel: value for channel, value in channels.items()
              if current.get(key, {}).get(channel) != value}
        for key, channels in choices.items()
    }
    # Unknown categories and channels differ from everything, so they stay in and
    # update_preferences names them.
    changed = {key: channels for key, channels in changed.items() if channels}
    update_preferences(session, contact_id, changed, source=source, actor=actor,
                       current=current)
    before = {f"{key}.{channel}": current.get(key, {}).get(channel)
              for key, channels in changed.items() for channel in channels}
    after = {f"{key}.{channel}": value
             for key, channels in changed.items() for channel, value in channels.items()}
    return before, after


def _suppression_match(contact: Contact):
    pairs = [(channel, getattr(contact, column.key)) for channel, column in ADDRESS_CHANNELS]
    return or_(*[and_(Suppression.channel == channel, Suppression.address == address)
                 for channel, address in pairs if address])


def suppressions_of(session, contact: Contact) -> list[Suppression]:
    """Return the suppressions that block the contact's email address or phone number."""
    if not (contact.email or contact.phone):
        return []
    return list(session.scalars(
        select(Suppression).where(_suppression_match(contact))
        .order_by(Suppression.created_at.desc())))


def lift_suppression(session, contact: Contact, suppression_id: int) -> Suppression:
    """Delete one of the contact's suppressions and return it; NotFound if it is not one."""
    found = session.scalar(select(Suppression).where(
        Suppression.id == suppression_id, _suppression_match(contact)
    )) if (contact.email or contact.phone) else None
    if found is None:
        raise NotFound(f"Contact {contact.external_id!r} has no suppression {suppression_id}")
    session.delete(found)
    session.flush()
    return found


def history_query(contact_id: int) -> Select:
    """Return SELECT Notification for the contact (unordered: page it by id, UUIDv7)."""
    return select(Notification).where(Notification.contact_id == contact_id)


def transitions(session, notification_ids: list[uuid.UUID]) -> dict[uuid.UUID, list]:
    """Return {notification id: its NotificationStatus rows, oldest first} in one query."""
    found: dict[uuid.UUID, list] = {i: [] for i in notification_ids}
    if notification_ids:
        rows = session.scalars(
            select(NotificationStatus)
            .where(NotificationStatus.notification_id.in_(notification_ids))
            .order_by(NotificationStatus.at, NotificationStatus.id))
        for row in rows:
            found[row.notification_id].append(row)
    return found
