"""Transactional messages opened and clicked, per template version and the day they were
created, counted into template_rollups before whichever goes first leaves the log: their
events (which do not name a template: the message does) or the messages themselves.

- Events dropped while their messages remain: a message counts on the day its last event
  of the kind goes (event_rollups' rule), joined to the message for its template.
- Messages dropped: each counts with the events still in the log, all at once; its events
  dropped later find no message to join, so nothing counts twice.
"""

from sqlalchemy import and_, func, insert, literal, select

from app.core.ops.event_rollups import (
    any_human,
    counted_once,
    day_of,
    notification_span,
    replace,
)
from app.models import Event, Notification, TemplateRollup

ENGAGED = ("opened", "clicked")
COLUMNS = ["day", "template_version_id", "kind", "notifications", "humans", "source"]


def _transactional(t) -> list:
    return [t.c.kind.in_(ENGAGED), t.c.campaign_run_id.is_(None)]


def roll_up_events(session, within, source: str | None = None) -> None:
    """Count the messages of the events `within(table)` selects that are still in the log
    (a source rolled up again is replaced)."""
    replace(session, source, TemplateRollup)
    span = notification_span(session, lambda t: [*within(t), *_transactional(t)])
    if span is None:
        return
    once = counted_once(within, span, ("kind",), ("kind",), where=_transactional)
    n = Notification.__table__
    joined = once.joined.join(n, and_(n.c.id == once.per.c.notification_id,
                                      n.c.id.between(*span)))
    keys = [day_of(session, n.c.created_at), n.c.template_version_id, once.per.c.kind]
    session.execute(insert(TemplateRollup).from_select(COLUMNS, select(
        *keys, once.anyone, once.humans, literal(source)).select_from(joined).where(
        n.c.campaign_id.is_(None), n.c.template_version_id.is_not(None)).group_by(*keys)))


def roll_up_messages(session, rows, source: str | None = None, where=(),
                     events_where=()) -> None:
    """Count the messages `rows` (the notifications' table or a partition of it; `where`)
    with an event of the kind still in the log (`events_where` narrows their search)."""
    replace(session, source, TemplateRollup)
    e = Event.__table__
    per = select(rows.c.created_at, rows.c.template_version_id, e.c.kind,
                 any_human(e).label("human")).select_from(
        rows.join(e, e.c.notification_id == rows.c.id)).where(
        *where, rows.c.campaign_id.is_(None), rows.c.template_version_id.is_not(None),
        e.c.kind.in_(ENGAGED), *events_where).group_by(
        rows.c.id, rows.c.created_at, rows.c.template_version_id, e.c.kind).subquery("per")
    keys = [day_of(session, per.c.created_at), per.c.template_version_id, per.c.kind]
    session.execute(insert(TemplateRollup).from_select(COLUMNS, select(
        *keys, func.count(), func.sum(per.c.human), literal(source)).group_by(*keys)))
