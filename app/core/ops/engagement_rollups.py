"""A campaign's opens and clicks per 15-minute slice, and its clicks per link, counted
before retention drops their events (what a report's hourly chart, top links and click
map read beside the live events).

Each is one grouped INSERT … SELECT over the rows rolled up (a partition's id range, or a
SQLite batch). A link's messages are counted once across days as in event_rollups: a day
counts only the messages with no click on the link left in the log.
"""

from sqlalchemy import Integer, cast, func, insert, literal, select

from app.core.analytics.buckets import SLICE
from app.core.db import epoch_bucket
from app.core.ops.event_rollups import counted_once, notification_span, replace
from app.models import Event, EventSlotRollup, LinkRollup

CHARTED = ("opened", "clicked")


def roll_up(session, within, source: str | None = None) -> None:
    """Count the campaign events `within(table)` selects per slice and per link (a source
    rolled up again is replaced)."""
    replace(session, source, EventSlotRollup, LinkRollup)
    _slots(session, within, source)
    _links(session, within, source)


def _slots(session, within, source: str | None) -> None:
    e = Event.__table__
    slot = cast(epoch_bucket(session, e.c.at, SLICE), Integer)
    keys = (slot, e.c.campaign_run_id, e.c.kind, e.c.machine)
    session.execute(insert(EventSlotRollup).from_select(
        ["slot", "campaign_run_id", "kind", "machine", "events", "source"],
        select(*keys, func.count(), literal(source)).where(
            *within(e), e.c.campaign_run_id.is_not(None), e.c.kind.in_(CHARTED))
        .group_by(*keys)))


def _clicks(t) -> list:
    return [t.c.kind == "clicked", t.c.url.is_not(None), t.c.campaign_run_id.is_not(None)]


def _links(session, within, source: str | None) -> None:
    span = notification_span(session, lambda t: [*within(t), *_clicks(t)])
    if span is None:
        return
    once = counted_once(within, span, ("campaign_run_id", "variant", "url"), ("url",),
                        where=_clicks)
    keys = [once.per.c[name] for name in ("campaign_run_id", "variant", "url")]
    session.execute(insert(LinkRollup).from_select(
        ["campaign_run_id", "variant", "url", "clicks", "machine_clicks", "notifications",
         "humans", "source"],
        select(*keys, func.sum(once.per.c.events), func.sum(once.per.c.machines),
               once.anyone, once.humans, literal(source))
        .select_from(once.joined).group_by(*keys)))
