"""Events apps report (push opens, conversions, their own), attributed to a notification.

Without a notification id, an event counts for the contact's last notification sent
within ATTRIBUTION_WINDOW_HOURS (none: the contact's alone). Each is recorded once: per
the app's event id, and an open once per notification (its key claimed in event_keys, in
the event's transaction).
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.db import dialect_insert
from app.errors import ValidationFailed
from app.models import Contact, Event, EventKey, Notification
from app.models.types import new_uuid

COPIED = ("campaign_run_id", "variant", "channel", "provider")  # notification → its events


@dataclass(frozen=True)
class AppEvent:
    kind: str  # opened | converted | custom
    at: datetime
    event_id: str | None = None
    name: str | None = None
    notification_id: uuid.UUID | None = None
    contact: str | None = None  # external id
    value: float | None = None
    currency: str | None = None
    data: dict | None = None


def record_app_event(session, config, event: AppEvent) -> tuple[Event, bool]:
    """Record an event (not committed); return it and whether it was recorded before."""
    notification_id, contact_id, copied = _attribution(session, config, event)
    key = f"opened:{notification_id}" if event.kind == "opened" else (
        f"id:{event.event_id}" if event.event_id else None)
    row = Event(id=new_uuid(), kind=event.kind, notification_id=notification_id,
                contact_id=contact_id, **copied, value=event.value, currency=event.currency,
                at=event.at, machine=False,
                data={k: v for k, v in (("name", event.name), ("data", event.data)) if v}
                or None)
    if key is not None:
        claimed = session.scalar(dialect_insert(session, EventKey).values(key=key, event_id=row.id)
                                 .on_conflict_do_nothing().returning(EventKey.key))
        if claimed is None:
            return session.scalars(select(Event).join(
                EventKey, EventKey.event_id == Event.id).where(EventKey.key == key)).one(), True
    session.add(row)
    session.flush()
    return row, False


def copied_columns() -> list:
    """What an event copies from its notification (app.models.Event says why)."""
    return [getattr(Notification, name) for name in COPIED]


def _attribution(session, config, event: AppEvent
                 ) -> tuple[uuid.UUID | None, int | None, dict]:
    """(notification id, contact id, {what the event copies}) the event counts for."""
    if event.notification_id is not None:
        found = session.execute(select(Notification.id, Notification.contact_id,
                                       *copied_columns()).where(
            Notification.id == event.notification_id)).one_or_none()
        if found is None:
            raise ValidationFailed("no such notification", [
                {"field": "/notification_id", "message": "no notification has this id"}])
        return found.id, found.contact_id, dict(zip(COPIED, found[2:], strict=True))
    contact_id = session.scalar(select(Contact.id).where(Contact.external_id == event.contact))
    if contact_id is None:
        raise ValidationFailed("no such contact", [
            {"field": "/contact", "message": "no contact has this external id"}])
    since = event.at - timedelta(hours=config.ATTRIBUTION_WINDOW_HOURS)
    last = session.execute(
        select(Notification.id, *copied_columns()).where(
            Notification.contact_id == contact_id, Notification.sent_at >= since,
            Notification.sent_at <= event.at)
        .order_by(Notification.sent_at.desc()).limit(1)).one_or_none()
    if last is None:
        return None, contact_id, {}
    return last.id, contact_id, dict(zip(COPIED, last[1:], strict=True))
