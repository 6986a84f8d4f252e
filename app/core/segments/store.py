"""Segments: validate rule trees, compile them to one SELECT over contacts, store them.

For campaign fan-out (and anything else that needs a segment's contacts):

    from app.core.segments.store import segment_query

    ids = segment_query(session, segment.rules)       # Select of contacts.id, unordered
    chunk = session.scalars(
        ids.where(Contact.id > cursor).order_by(Contact.id).limit(1000)).all()

`segment_query(session, rules, now=None) -> Select` takes the stored JSON (or a
RuleTree), validates it (RulesInvalid, a ValidationFailed with per-field `errors`, if it
is bad) and compiles it for the session's dialect into a single statement: no Python
loop over contacts. It can be used as a subquery (`Contact.id.in_(ids)`) or inside an
INSERT … SELECT. `now` fixes "in the last N days" windows (default: the current time).
The rule vocabulary is in app.core.segments.vocabulary, the tree format in segment_rules.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, true
from sqlalchemy.exc import IntegrityError

from app.core.access.audit import snapshot as _snapshot
from app.core.db import is_postgres
from app.core.segments.rules import RulesInvalid, RuleTree, validate_tree
from app.core.segments.sql import compile_tree
from app.core.segments.vocabulary import describe_rules
from app.errors import Conflict, ValidationFailed
from app.models import AuditLog, Contact, Segment
from app.models.types import utcnow

__all__ = ["RulesInvalid", "describe_rules", "segment_condition", "segment_query",
           "validate_tree"]

SEGMENT_FIELDS = ("name", "description", "rules")
SAMPLE_SIZE = 20
MAX_NAME = 255


def segment_condition(session, rules, now: datetime | None = None):
    """Return the boolean SQL condition over Contact that the rules describe."""
    dialect = session.get_bind().dialect.name
    return compile_tree(validate_tree(rules), dialect, now or utcnow())


def segment_query(session, rules, now: datetime | None = None) -> Select:
    """Return SELECT contacts.id for the contacts matching `rules` (see module docstring)."""
    return select(Contact.id).where(segment_condition(session, rules, now))


def count_matching(session, rules, now: datetime | None = None) -> int:
    """Return how many contacts match (one COUNT query)."""
    condition = segment_condition(session, rules, now)
    return session.scalar(select(func.count()).select_from(Contact).where(condition))


def sample_matching(session, rules, limit: int = SAMPLE_SIZE,
                    now: datetime | None = None) -> list[Contact]:
    """Return up to `limit` matching contacts, sorted by id.

    No ORDER BY in SQL: the scan stops at the `limit`-th match, where ordering by id
    would either sort every match or walk the primary key through rare ones.
    """
    condition = segment_condition(session, rules, now)
    rows = session.scalars(select(Contact).where(condition).limit(limit))
    return sorted(rows, key=lambda contact: contact.id)


@dataclass(frozen=True)
class Preview:
    count: int
    total: int
    sample: list[Contact]

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def preview(session, rules, now: datetime | None = None) -> Preview:
    """Return the match count, the number of contacts, and a sample of matches."""
    tree = validate_tree(rules)
    now = now or utcnow()
    total = session.scalar(select(func.count()).select_from(Contact))
    return Preview(count_matching(session, tree, now), total,
                   sample_matching(session, tree, now=now))


def snapshot(segment: Segment) -> dict:
    return _snapshot(segment, SEGMENT_FIELDS)


def _clean_name(session, name: str, segment_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed("The segment needs a name.", [
            {"field": "/name", "message": f"enter a name of 1 to {MAX_NAME} characters"}])
    clash = select(Segment.id).where(func.lower(Segment.name) == name.lower())
    if segment_id is not None:
        clash = clash.where(Segment.id != segment_id)
    if session.scalar(clash) is not None:
        raise Conflict("Another segment has this name.", [
            {"field": "/name", "message": "another segment already has this name"}])
    return name


def _parse(rules) -> dict:
    return validate_tree(rules).as_json() if not isinstance(rules, RuleTree) else rules.as_json()


def create_segment(session, name: str, rules, description: str = "",
                   operator=None) -> Segment:
    """Validate and add a segment; the caller commits."""
    segment = Segment(name=_clean_name(session, name), description=(description or "").strip(),
                      rules=_parse(rules), created_by_id=getattr(operator, "id", None))
    session.add(segment)
    session.flush()
    return segment


def update_segment(session, segment: Segment, name: str, rules,
                   description: str = "") -> Segment:
    """Validate and change a segment's name, description and rules; the caller commits."""
    segment.name = _clean_name(session, name, segment.id)
    segment.description = (description or "").strip()
    segment.rules = _parse(rules)
    segment.updated_at = utcnow()
    session.flush()
    return segment


def copy_name(session, name: str) -> str:
    """Return "Copy of <name>" (or "… (2)", "… (3)") that no segment uses yet."""
    base = f"Copy of {name}"[:MAX_NAME - 6]
    taken = {n.lower() for n in session.scalars(
        select(Segment.name).where(Segment.name.istartswith(base, autoescape=True)))}
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base} ({number})"
    return candidate


def duplicate_segment(session, segment: Segment, operator=None) -> Segment:
    """Add a copy of the segment under a free "Copy of …" name; the caller commits."""
    return create_segment(session, copy_name(session, segment.name), segment.rules,
                          segment.description, operator)


def delete_segment(session, segment: Segment) -> None:
    """Delete the segment; raise Conflict if something (a campaign) still refers to it."""
    try:
        with session.begin_nested():
            session.delete(segment)
            session.flush()
    except IntegrityError:
        raise Conflict("This segment is used by a campaign, so it cannot be deleted.") from None


def known_values(session, limit: int = 2000) -> dict[str, list[str]]:
    """Return attribute names, tags, locales and timezones seen on recent contacts.

    For the builder's suggestions: reading the newest `limit` contacts stays cheap on a
    table of millions.
    """
    recent = select(Contact).order_by(Contact.id.desc()).limit(limit).subquery()
    if is_postgres(session):
        key_rows = select(func.jsonb_object_keys(recent.c.attributes).label("v")).distinct()
        tag_rows = select(func.jsonb_array_elements_text(recent.c.tags).label("v")).distinct()
    else:
        attrs = func.json_each(recent.c.attributes).table_valued("key", "value")
        tag_each = func.json_each(recent.c.tags).table_valued("value")
        # json_each reads the row beside it (SQLite table-valued functions are lateral).
        key_rows = select(attrs.c.key).select_from(recent.join(attrs, true())).distinct()
        tag_rows = select(tag_each.c.value).select_from(recent.join(tag_each, true())).distinct()
    column_rows = {
        name: select(column).where(column.is_not(None)).distinct()
        for name, column in (("locales", recent.c.locale), ("timezones", recent.c.timezone))
    }
    result = {"attributes": sorted(session.scalars(key_rows)),
              "tags": sorted(session.scalars(tag_rows))}
    result.update({name: sorted(session.scalars(q)) for name, q in column_rows.items()})
    return result


def last_editors(session, segment_ids: list[int]) -> dict[int, str]:
    """Return {segment id: email of whoever changed it last}, from the audit log."""
    latest = (select(func.max(AuditLog.id))
              .where(AuditLog.entity_type == "segment",
                     AuditLog.entity_id.in_([str(i) for i in segment_ids]))
              .group_by(AuditLog.entity_id))
    rows = session.execute(select(AuditLog.entity_id, AuditLog.operator_email)
                           .where(AuditLog.id.in_(latest)))
    return {int(entity_id): email for entity_id, email in rows if email}
