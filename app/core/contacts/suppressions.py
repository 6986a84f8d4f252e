"""Suppressions: addresses and numbers never sent to. Deliveries add them (hard bounces,
complaints, STOP); operators and apps list, add and remove them here, audited."""

from sqlalchemy import select

from app.core.access import audit
from app.core.access.audit import snapshot
from app.core.contacts.fields import normalise_email, normalise_phone
from app.core.db import dialect_insert
from app.errors import ValidationFailed
from app.models import Suppression
from app.models.types import utcnow

CHANNELS = ("email", "sms")
FIELDS = ("channel", "address", "reason", "detail", "created_at")
_NORMALISE = {"email": normalise_email, "sms": normalise_phone}


def normalise_address(channel: str, address: str, field: str = "/address") -> str:
    """Return the address as deliveries store it (email normalised, phone E.164)."""
    try:
        return _NORMALISE[channel](address)
    except ValueError as exc:
        raise ValidationFailed("The address is not valid",
                               [{"field": field, "message": str(exc)}]) from None


def list_suppressions(session, *, channel: list[str] | None = None,
                      reason: list[str] | None = None,
                      address: str | None = None, before_id: int | None = None,
                      limit: int = 50) -> list[Suppression]:
    """Newest first; `before_id` pages on (keyset)."""
    stmt = select(Suppression).order_by(Suppression.id.desc()).limit(limit)
    if channel:
        stmt = stmt.where(Suppression.channel.in_(channel))
    if reason:
        stmt = stmt.where(Suppression.reason.in_(reason))
    if address:
        stmt = stmt.where(Suppression.address == address)
    if before_id is not None:
        stmt = stmt.where(Suppression.id < before_id)
    return list(session.scalars(stmt))


def find(session, channel: str, address: str) -> Suppression | None:
    return session.scalar(select(Suppression).where(Suppression.channel == channel,
                                                    Suppression.address == address))


def add(session, channel: str, address: str, *, reason: str = "manual", detail: str = "",
        actor) -> tuple[Suppression, bool]:
    """Suppress an address; return (its suppression, created). An address already
    suppressed keeps its first reason (the one that explains why it was blocked)."""
    address = normalise_address(channel, address)
    inserted = session.scalar(
        dialect_insert(session, Suppression)
        .values(channel=channel, address=address, reason=reason, detail=detail,
                created_at=utcnow())
        .on_conflict_do_nothing().returning(Suppression.id))
    row = find(session, channel, address)
    if inserted is not None:
        audit.record(session, actor, "suppression.add", "suppression", row.id,
                     after=snapshot(row, FIELDS))
    return row, inserted is not None


def remove(session, channel: str, address: str, *, actor) -> Suppression | None:
    """Lift the suppression of an address; return it, or None if there was none."""
    row = find(session, channel, normalise_address(channel, address))
    if row is None:
        return None
    audit.record(session, actor, "suppression.remove", "suppression", row.id,
                 before=snapshot(row, FIELDS))
    session.delete(row)
    session.flush()
    return row
