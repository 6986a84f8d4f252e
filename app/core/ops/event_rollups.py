"""Events counted into event_rollups before retention drops them: per day, campaign run,
variant, channel, provider and kind, events and machine events, and the notifications with
such an event, of anyone and of people.

A notification opened on two days would count twice if each day counted its own: a day
counts only the notifications whose event of the kind is not also in a later day still in
the log (which counts them, and rolls them up when its turn comes), so live counts plus
rollups count each notification once, before and after a drop.
"""

from dataclasses import dataclass

from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    not_,
    select,
    union_all,
)

from app.core.db import is_postgres
from app.models import Event
from app.models.retention import EventRollup

DIMENSIONS = ("campaign_run_id", "variant", "channel", "provider", "kind")
COUNTS = ("events", "machine_events", "notifications", "humans")


def roll_up(session, within, source: str | None = None) -> None:
    """Count the events `within(table)` selects into event_rollups, in one grouped INSERT …
    SELECT (a source rolled up again is replaced)."""
    replace(session, source, EventRollup)
    e = Event.__table__
    day = day_of(session, e.c.at).label("day")
    keys = [e.c[name] for name in DIMENSIONS]
    zero = literal(0)
    counted = [select(day, *keys, func.count().label("events"),
                      func.sum(case((e.c.machine, 1), else_=0)).label("machine_events"),
                      zero.label("notifications"), zero.label("humans"))
               .where(*within(e)).group_by(day, *keys)]
    span = notification_span(session, within)
    if span is not None:
        once = counted_once(within, span, DIMENSIONS, ("kind",))
        last_day = day_of(session, once.last)
        per_keys = [once.per.c[name] for name in DIMENSIONS]
        counted.append(select(last_day, *per_keys, zero, zero, once.anyone, once.humans)
                       .select_from(once.joined).group_by(last_day, *per_keys))
    both = union_all(*counted).subquery("counted")
    grouped = [both.c.day, *(both.c[name] for name in DIMENSIONS)]
    session.execute(insert(EventRollup).from_select(
        ["day", *DIMENSIONS, *COUNTS, "source"],
        select(*grouped, *(func.sum(both.c[name]) for name in COUNTS), literal(source))
        .group_by(*grouped)))


def replace(session, source: str | None, *models) -> None:
    """A source rolled up again is replaced: its earlier counts in the models go first."""
    if source is not None:
        for model in models:
            session.execute(delete(model).where(model.source == source))


def day_of(session, column):
    """A timestamp's UTC day."""
    if is_postgres(session):
        return cast(func.timezone("UTC", column), Date)
    return func.date(column, type_=Date)


def notification_span(session, within) -> tuple | None:
    """The lowest and highest notification id among the rows, or None without any."""
    e = Event.__table__
    span = tuple(session.scalar(select(e.c.notification_id).where(
        *within(e), e.c.notification_id.is_not(None)).order_by(order).limit(1))
        for order in (e.c.notification_id, e.c.notification_id.desc()))
    return None if span[0] is None else span


@dataclass
class Once:
    per: object  # each notification's rows per key: its last time, events, person or not
    joined: object  # `per` outer-joined to the same notifications' events left in the log
    anyone: object  # sum: notifications with no such event left
    humans: object  # sum: with a person's event here and none left

    @property
    def last(self):
        return self.per.c.last


def counted_once(within, span: tuple, keys, match, where=lambda _t: ()) -> Once:
    """Count each notification once across the days rolled up one by one: among the rows
    `within` selects (and `where`), per notification and `keys`, only if no event of the
    same `match` columns is left outside them (a day still in the log counts it, and rolls
    it up when its turn comes).

    The events left are looked for in one range of notification ids (those of the rows:
    mostly late events of old messages), then joined once; a lookup per notification in
    every partition was the whole cost of a roll-up.
    """
    e = Event.__table__
    per = select(e.c.notification_id, *(e.c[k] for k in keys),
                 func.max(e.c.at).label("last"), func.count().label("events"),
                 func.sum(case((e.c.machine, 1), else_=0)).label("machines"),
                 any_human(e).label("human")).where(
        *within(e), e.c.notification_id.is_not(None), *where(e)).group_by(
        e.c.notification_id, *(e.c[k] for k in keys)).subquery("per")
    later = e.alias("later")
    left = select(later.c.notification_id, *(later.c[m] for m in match),
                  any_human(later).label("human")).where(
        later.c.notification_id.between(*span), not_(and_(*within(later))),
        *where(later)).group_by(later.c.notification_id,
                                *(later.c[m] for m in match)).subquery("left_in_log")
    joined = per.outerjoin(left, and_(left.c.notification_id == per.c.notification_id,
                                      *(left.c[m] == per.c[m] for m in match)))
    anyone = func.sum(case((left.c.notification_id.is_(None), 1), else_=0))
    humans = func.sum(case((and_(per.c.human == 1, func.coalesce(left.c.human, 0) == 0), 1),
                           else_=0))
    return Once(per, joined, anyone, humans)


def any_human(t):
    """1 when any of the rows is a person's event."""
    return func.max(case((t.c.machine, 0), else_=1))
