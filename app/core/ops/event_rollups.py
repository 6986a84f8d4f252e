"""Events counted into event_rollups before retention drops them: per day, campaign run,
variant, channel, provider and kind, events and machine events, and the notifications with
such an event, of anyone and of people.

A notification opened on two days would count twice if each day counted its own: a day
counts only the notifications whose event of the kind is not also in a later day still in
the log (which counts them, and rolls them up when its turn comes), so live counts plus
rollups count each notification once, before and after a drop.
"""

from collections import defaultdict

from sqlalchemy import Date, and_, case, cast, delete, exists, func, insert, not_, select

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
    for day, *key, anyone, humans in session.execute(_notifications(session, within)):
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


def _notifications(session, within):
    """Per day and dimensions: the notifications whose last event of the kind (of anyone,
    of people) is among the rows rolled up."""
    e = Event.__table__
    keys = [e.c[name] for name in DIMENSIONS]
    human = func.max(case((e.c.machine, 0), else_=1))
    per = select(e.c.notification_id, *keys, func.max(e.c.at).label("last"),
                 human.label("human")).where(*within(e), e.c.notification_id.is_not(None)) \
        .group_by(e.c.notification_id, *keys).subquery("per")
    later = e.alias("later")
    elsewhere = [later.c.notification_id == per.c.notification_id,
                 later.c.kind == per.c.kind, not_(and_(*within(later)))]
    anyone_later = exists().where(*elsewhere)
    human_later = exists().where(*elsewhere, later.c.machine.is_(False))
    day = _day(session, per.c.last)
    per_keys = [per.c[name] for name in DIMENSIONS]
    return select(day, *per_keys, func.sum(case((anyone_later, 0), else_=1)),
                  func.sum(case((and_(per.c.human == 1, not_(human_later)), 1), else_=0))
                  ).group_by(day, *per_keys)
