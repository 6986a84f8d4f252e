"""Events counted into event_rollups before retention drops them: per day, campaign run,
variant, channel, provider and kind, events and machine events, and the notifications with
such an event, of anyone and of people.

A notification opened on two days would count twice if each day counted its own: a day
counts only the notifications whose event of the kind is not also in a later day still in
the log (which counts them, and rolls them up when its turn comes), so live counts plus
rollups count each notification once, before and after a drop.
"""

from collections import defaultdict

from sqlalchemy import Date, and_, case, cast, delete, func, insert, not_, select

from app.core.db import is_postgres
from app.models import Event
from app.models.retention import EventRollup

DIMENSIONS = ("campaign_run_id", "variant", "channel", "provider", "kind")
COUNTS = ("events", "machine_events", "notifications", "humans")


def roll_up(session, within, source: str | None = None) -> int:
    """Count the events `within(table)` selects into event_rollups (a source rolled up
    again is replaced); return the rollup rows written."""
    if source is not None:
        session.execute(delete(EventRollup).where(EventRollup.source == source))
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for day, *key, events, machines in session.execute(_events(session, within)):
        found[(day, *key)].update(events=events, machine_events=machines or 0)
    for day, *key, anyone, humans in _notifications(session, within):
        found[(day, *key)].update(notifications=anyone or 0, humans=humans or 0)
    rows = [{"day": key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)), **counts,
             "source": source} for key, counts in found.items()]
    if rows:
        session.execute(insert(EventRollup), rows)
    return len(rows)


def _day(session, column):
    if is_postgres(session):
        return cast(func.timezone("UTC", column), Date)
    return func.date(column, type_=Date)


def _events(session, within):
    e = Event.__table__
    keys = [e.c[name] for name in DIMENSIONS]
    day = _day(session, e.c.at)
    return select(day, *keys, func.count(), func.sum(case((e.c.machine, 1), else_=0))).where(
        *within(e)).group_by(day, *keys)


def _notifications(session, within) -> list:
    """Per day and dimensions: the notifications whose last event of the kind (of anyone,
    of people) is among the rows rolled up.

    The later events are looked for in one range of notification ids per partition (those
    of the rows rolled up: mostly late events of old messages), then joined once; a lookup
    per notification in every partition was the whole cost of a roll-up.
    """
    e = Event.__table__
    span = [session.scalar(select(e.c.notification_id).where(
        *within(e), e.c.notification_id.is_not(None)).order_by(order).limit(1))
        for order in (e.c.notification_id, e.c.notification_id.desc())]
    if span[0] is None:
        return []
    keys = [e.c[name] for name in DIMENSIONS]
    per = select(e.c.notification_id, *keys, func.max(e.c.at).label("last"),
                 _human(e).label("human")).where(*within(e), e.c.notification_id.is_not(None)) \
        .group_by(e.c.notification_id, *keys).subquery("per")
    later = e.alias("later")
    seen_later = select(later.c.notification_id, later.c.kind, _human(later).label("human")) \
        .where(later.c.notification_id.between(*span), not_(and_(*within(later)))) \
        .group_by(later.c.notification_id, later.c.kind).subquery("seen_later")
    day = _day(session, per.c.last)
    per_keys = [per.c[name] for name in DIMENSIONS]
    anyone = func.sum(case((seen_later.c.notification_id.is_(None), 1), else_=0))
    humans = func.sum(case((and_(per.c.human == 1,
                                 func.coalesce(seen_later.c.human, 0) == 0), 1), else_=0))
    joined = per.outerjoin(seen_later, and_(
        seen_later.c.notification_id == per.c.notification_id,
        seen_later.c.kind == per.c.kind))
    return session.execute(select(day, *per_keys, anyone, humans).select_from(joined)
                           .group_by(day, *per_keys)).all()


def _human(t):
    """1 when any of the rows is a person's event."""
    return func.max(case((t.c.machine, 0), else_=1))
