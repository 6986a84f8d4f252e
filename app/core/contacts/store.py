"""Contacts: set-based upsert, partial update, listing, erasure (field rules: .fields).

The writers take the `actor` making the change and audit it themselves.
"""

from datetime import datetime

from sqlalchemy import delete, exists, func, null, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB

from app.core.access import audit
from app.core.db import is_postgres, upsert
from app.core.tracking import erasure
from app.errors import NotFound
from app.models import AuditLog, Contact, Event, EventKey, Notification, NotificationStatus
from app.models.types import utcnow

# The fields a PUT replaces (a PATCH replaces only the ones it names).
CONTACT_FIELDS = ("email", "phone", "locale", "timezone", "attributes", "tags")
_COLUMNS = [getattr(Contact, name) for name in CONTACT_FIELDS]


def upsert_contacts(session, contacts: list[dict], *, actor,
                    now: datetime | None = None) -> set[str]:
    """Create or fully replace contacts by external_id; return the ids that were created.

    One INSERT ... ON CONFLICT DO UPDATE for the whole list; external ids must be unique.
    """
    if not contacts:
        return set()
    now = now or utcnow()
    ids = [c["external_id"] for c in contacts]
    before = {row.external_id: audit.jsonable(dict(zip(CONTACT_FIELDS, row[1:], strict=True)))
              for row in session.execute(select(Contact.external_id, *_COLUMNS)
                                         .where(Contact.external_id.in_(ids)))}
    rows = [
        {
            "external_id": c["external_id"],
            "email": c.get("email"),
            "phone": c.get("phone"),
            "locale": c.get("locale"),
            "timezone": c.get("timezone"),
            "attributes": c.get("attributes") or {},
            "tags": c.get("tags") or [],
            "created_at": now,
            "updated_at": now,
        }
        for c in contacts
    ]
    upsert(session, Contact, rows, ["external_id"], [*CONTACT_FIELDS, "updated_at"])
    _audit_upsert(session, actor, rows, before)
    return set(ids) - set(before)


def _audit_upsert(session, actor, rows: list[dict], before: dict[str, dict]) -> None:
    ids = dict(session.execute(select(Contact.external_id, Contact.id).where(
        Contact.external_id.in_([r["external_id"] for r in rows]))).all())
    for row in rows:
        old = before.get(row["external_id"])
        audit.record(session, actor, "contact.replace" if old else "contact.create", "contact",
                     ids[row["external_id"]], old,
                     {"external_id": row["external_id"],
                      **{name: row[name] for name in CONTACT_FIELDS}})


def get_contact(session, external_id: str) -> Contact:
    """Return the contact, fresh from the database; raise NotFound if there is none."""
    contact = session.scalar(
        select(Contact)
        .where(Contact.external_id == external_id)
        .execution_options(populate_existing=True)
    )
    if contact is None:
        raise NotFound(f"No contact with external id {external_id!r}")
    return contact


def update_contact(session, external_id: str, changes: dict, *, actor) -> Contact:
    """Change only the given fields; in `attributes`, a null value removes that key, and
    `attributes` or `tags` themselves null clear them all."""
    contact = get_contact(session, external_id)
    before = audit.snapshot(contact, list(changes))
    for name, value in changes.items():
        if name == "attributes":
            merged = {**(contact.attributes or {}), **value} if value is not None else {}
            value = {k: v for k, v in merged.items() if v is not None}
        setattr(contact, name, [] if name == "tags" and value is None else value)
    contact.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "contact.update", "contact", contact.id, before,
                 audit.snapshot(contact, list(changes)))
    return contact


def erase_contact(session, external_id: str, *, actor) -> list[str]:
    """Delete a contact's personal data: the row, devices and preferences (by FK cascade),
    its events (their addresses and user agents) from every day of them, the addresses and
    content of its notifications, which stay as anonymous rows, the values in its audit
    entries (which keep who did what, and when), and the tracked links whose address names
    it (core.tracking.erasure). Return the Redis keys of those links' cached destinations,
    to drop once this is committed (erasure.drop_cached).

    The log keeps no foreign key to the contact or its devices on PostgreSQL: its rows
    lose their contact_id and device_id here. The contact is locked first, so sends that
    read it (and lock it, core.delivery.recipients) are committed before their rows are
    cleared, and later sends find no contact."""
    found = session.execute(select(Contact.id, Contact.email, Contact.phone)
                            .where(Contact.external_id == external_id)
                            .with_for_update()).first()
    if found is None:
        raise NotFound(f"No contact with external id {external_id!r}")
    contact_id, email, phone = found
    # Provider error messages can quote the number or address, so they go too, from the
    # row and from its status history.
    theirs = select(Notification.id).where(Notification.contact_id == contact_id)
    their_events = or_(Event.contact_id == contact_id, Event.notification_id.in_(theirs))
    session.execute(delete(EventKey).where(EventKey.event_id.in_(
        select(Event.id).where(their_events))))
    session.execute(
        delete(Event).where(their_events).execution_options(synchronize_session=False)
    )
    session.execute(
        update(NotificationStatus)
        .where(NotificationStatus.notification_id.in_(theirs),
               NotificationStatus.error_code.is_not(None))
        .values(detail=None)
        .execution_options(synchronize_session=False)
    )
    cached = erasure.forget(session, erasure.identifiers(email, phone, external_id), theirs)
    session.execute(
        update(Notification)
        .where(Notification.contact_id == contact_id)
        .values(contact_id=None, device_id=None, address=None, content=null(),
                error_message=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AuditLog)
        .where(AuditLog.entity_type == "contact", AuditLog.entity_id == str(contact_id))
        .values(before=null(), after=null())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Contact).where(Contact.id == contact_id).execution_options(synchronize_session=False)
    )
    audit.record(session, actor, "contact.erase", "contact", contact_id)
    return cached


def list_contacts(
    session,
    *,
    after: int | None = None,
    limit: int = 50,
    email: str | None = None,
    phone: str | None = None,
    tag: str | None = None,
) -> list[Contact]:
    """Return up to `limit` contacts with id > after, oldest first (keyset pagination)."""
    query = select(Contact).order_by(Contact.id).limit(limit)
    if after is not None:
        query = query.where(Contact.id > after)
    if email:
        query = query.where(Contact.email == email)
    if phone:
        query = query.where(Contact.phone == phone)
    if tag:
        query = query.where(_has_tag(session, tag))
    return list(session.scalars(query))


def _has_tag(session, tag: str):
    if is_postgres(session):
        return type_coerce(Contact.tags, JSONB).contains([tag])
    each = func.json_each(Contact.tags).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == tag))
