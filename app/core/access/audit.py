"""The audit log: record every change an operator or API key makes, and read it back filtered.

Core commands that change things take an `actor` and call record() themselves, so a change
is audited the same whether it came from the console, the API or the CLI.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, select

from app.models import AuditLog


def jsonable(value):
    """Return a JSON-safe copy of a snapshot (datetimes, UUIDs, sets, decimals)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def snapshot(obj, fields) -> dict:
    """Return {field: value} for the named attributes of a model row, JSON-safe."""
    return jsonable({name: getattr(obj, name) for name in fields})


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an operator, an API key, a recipient (from a signed link in a
    message; `id` is the contact's) or the system (CLI, jobs)."""

    kind: str  # "operator", "api_key", "recipient" or "system"
    id: int | None = None
    name: str | None = None  # the operator's email, the key's name
    ip: str | None = None

    @classmethod
    def of(cls, who, ip: str | None = None) -> "Actor":
        """Return the actor for an Operator, an ApiKey (or the API's caller), an Actor or None."""
        if isinstance(who, Actor) or who is None:
            return who or SYSTEM
        if hasattr(who, "email"):
            return cls("operator", who.id, who.email, ip)
        return cls("api_key", who.id, who.name, ip)


SYSTEM = Actor("system")


def record(session, actor, action: str, entity_type: str, entity_id=None,
           before: dict | None = None, after: dict | None = None,
           ip: str | None = None) -> AuditLog:
    """Add an audit entry to the session; it commits with the change it describes.

    `actor` is an Actor, an Operator or ApiKey (see Actor.of), or None for the system.
    """
    actor = Actor.of(actor, ip)
    entry = AuditLog(
        actor_kind=actor.kind,
        operator_id=actor.id if actor.kind == "operator" else None,
        operator_email=actor.name if actor.kind == "operator" else None,
        api_key_id=actor.id if actor.kind == "api_key" else None,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        ip=actor.ip,
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """Return the fields that differ between two snapshots, in a stable order."""
    before, after = before or {}, after or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [Change(f, before.get(f), after.get(f)) for f in fields
            if before.get(f) != after.get(f)]


@dataclass(frozen=True)
class AuditFilter:
    operator_id: int | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: date | None = None
    until: date | None = None


def filtered(filters: AuditFilter) -> Select:
    """Return a SELECT of audit entries matching the filters (dates are whole UTC days)."""
    stmt = select(AuditLog)
    if filters.operator_id:
        stmt = stmt.where(AuditLog.operator_id == filters.operator_id)
    if filters.action:
        stmt = stmt.where(AuditLog.action == filters.action)
    if filters.entity_type:
        stmt = stmt.where(AuditLog.entity_type == filters.entity_type)
    if filters.entity_id:
        stmt = stmt.where(AuditLog.entity_id == filters.entity_id)
    if filters.since:
        stmt = stmt.where(AuditLog.at >= _midnight(filters.since))
    if filters.until and filters.until < date.max:  # until the last day: no bound
        stmt = stmt.where(AuditLog.at < _midnight(filters.until + timedelta(days=1)))
    return stmt


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def known_values(session, column, limit: int = 200) -> list[str]:
    """Return the distinct values of an audit column, for filter menus."""
    return list(session.scalars(select(column).distinct().order_by(column).limit(limit)))
