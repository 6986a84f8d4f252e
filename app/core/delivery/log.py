"""Reading the notification log: one notification with its history, filtered pages."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select

from app.errors import NotFound
from app.models import Contact, Notification, NotificationStatus


@dataclass
class LogFilter:
    contact: str | None = None  # external id
    statuses: list[str] | None = None
    channels: list[str] | None = None
    category: str | None = None
    event_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    search: str | None = None  # a contact's external id or email, or an event id


def get_notification(session, notification_id: uuid.UUID):
    """Return (notification, contact external id or None, status history oldest first)."""
    found = session.execute(
        select(Notification, Contact.external_id)
        .outerjoin(Contact, Contact.id == Notification.contact_id)
        .where(Notification.id == notification_id)
    ).first()
    if found is None:
        raise NotFound(f"No notification {notification_id}")
    history = session.scalars(
        select(NotificationStatus)
        .where(NotificationStatus.notification_id == notification_id)
        .order_by(NotificationStatus.at, NotificationStatus.id)
    )
    return found[0], found[1], list(history)


def list_notifications(
    session, where: LogFilter, *, before: uuid.UUID | None = None, limit: int = 50
) -> list[tuple[Notification, str | None]]:
    """Return up to `limit` (notification, contact external id), newest first.

    Keyset pagination on the id: UUIDv7 ids sort by creation time.
    """
    query = (
        select(Notification, Contact.external_id)
        .outerjoin(Contact, Contact.id == Notification.contact_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(Notification.id < before)
    return [(row, external_id) for row, external_id in session.execute(_filtered(query, where))]


def log_query(where: LogFilter) -> Select:
    """SELECT Notification matching the filter, unordered: page it by id (UUIDv7)."""
    return _filtered(select(Notification), where)


def _filtered(query, where: LogFilter):
    if where.contact is not None:
        query = query.where(Notification.contact_id == select(Contact.id).where(
            Contact.external_id == where.contact).scalar_subquery())
    if where.statuses:
        query = query.where(Notification.status.in_(where.statuses))
    if where.channels:
        query = query.where(Notification.channel.in_(where.channels))
    if where.category is not None:
        query = query.where(Notification.category == where.category)
    if where.event_id is not None:
        query = query.where(Notification.event_id == where.event_id)
    if where.created_after is not None:
        query = query.where(Notification.created_at >= where.created_after)
    if where.created_before is not None:
        query = query.where(Notification.created_at < where.created_before)
    if where.search:
        contact = select(Contact.id).where(
            or_(Contact.external_id == where.search, Contact.email == where.search.lower()))
        query = query.where(or_(Notification.contact_id.in_(contact),
                                Notification.event_id == where.search))
    return query
