"""What recipients did with a campaign's messages: opens and clicks per hour in the
operator's zone, the links clicked (per variant, for the click map), bounces and
unsubscribes. The hourly counts and the links read the live events plus the rollups of the
days retention has dropped (app.core.ops.engagement_rollups): each event is in one or the
other, and a message clicked on several days is rolled up only with its last click."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, cast, func, select, union_all

from app.core.analytics import buckets
from app.core.analytics.funnel import FAILED, SENT
from app.models import Category, Event, EventSlotRollup, LinkRollup, Notification, Preference

TOP_LINKS = 20


def _of_runs(run_ids: list[int], humans_only: bool, *kinds: str) -> list:
    """The runs' events of these kinds (the events' run index: no notification read)."""
    where = [Event.campaign_run_id.in_(run_ids), Event.kind.in_(kinds)]
    if humans_only:
        where.append(Event.machine.is_(False))
    return where


def hourly(session, run_ids: list[int], zone: ZoneInfo, humans_only: bool = True
           ) -> list[tuple[datetime, dict[str, int]]]:
    """(local hour, {"opened": n, "clicked": n}) from the first hour with an event to the
    last, gaps included; days retention has dropped count from their rollups."""
    slot = buckets.slice_of(session, Event.at)
    rows = session.execute(
        select(slot, Event.kind, func.count())
        .where(*_of_runs(run_ids, humans_only, "opened", "clicked"))
        .group_by(slot, Event.kind)).all()
    r = EventSlotRollup
    rolled = [r.campaign_run_id.in_(run_ids), r.kind.in_(("opened", "clicked"))]
    if humans_only:
        rolled.append(r.machine.is_(False))
    rows += session.execute(select(r.slot, r.kind, cast(func.sum(r.events), BigInteger))
                            .where(*rolled).group_by(r.slot, r.kind)).all()
    return buckets.series(rows, zone, "hour", ("opened", "clicked"))


@dataclass(frozen=True)
class LinkClicks:
    url: str
    clicks: int
    people: int  # messages with a click on the link (people's only, unless machines asked)


def top_links(session, run_ids: list[int], humans_only: bool = True,
              variant: int | None = None, limit: int = TOP_LINKS) -> list[LinkClicks]:
    """The most clicked links (clicks, and the messages clicked: a run sends a person one
    per channel), of one variant if given; days retention has dropped count from their
    rollups."""
    live = select(Event.url.label("url"), func.count().label("clicks"),
                  func.count(Event.notification_id.distinct()).label("people")).where(
        *_of_runs(run_ids, humans_only, "clicked"), Event.url.is_not(None))
    r = LinkRollup
    rolled = select(r.url, func.sum(r.clicks - r.machine_clicks if humans_only else r.clicks),
                    func.sum(r.humans if humans_only else r.notifications)).where(
        r.campaign_run_id.in_(run_ids))
    if variant is not None:
        live, rolled = live.where(Event.variant == variant), rolled.where(r.variant == variant)
    both = union_all(live.group_by(Event.url), rolled.group_by(r.url)).subquery("both")
    clicks = cast(func.sum(both.c.clicks), BigInteger)
    rows = session.execute(select(both.c.url, clicks, cast(func.sum(both.c.people), BigInteger))
                           .group_by(both.c.url).order_by(clicks.desc(), both.c.url)
                           .limit(limit)).all()
    return [LinkClicks(*row) for row in rows]


def bounces(session, run_ids: list[int]) -> list[tuple[str, str, int]]:
    """(channel, error code, rows) of the runs' failed messages, most first."""
    n = Notification
    total = func.count()
    rows = session.execute(
        select(n.channel, n.error_code, total)
        .where(n.campaign_run_id.in_(run_ids), n.status.in_(FAILED))
        .group_by(n.channel, n.error_code).order_by(total.desc())).all()
    return [(channel, code or "unknown", number) for channel, code, number in rows]


def unsubscribes(session, run_ids: list[int], category: str, since: datetime
                 ) -> list[tuple[str, int]]:
    """(channel, contacts) who opted out of the campaign's category themselves (preferences
    page or one-click) after a run started, among the contacts it sent to."""
    reached = select(Notification.contact_id).where(
        Notification.campaign_run_id.in_(run_ids), Notification.status.in_(SENT))
    p = Preference
    return [tuple(r) for r in session.execute(
        select(p.channel, func.count(p.contact_id.distinct()))
        .join(Category, Category.id == p.category_id)
        .where(Category.key == category, p.source == "recipient", p.opted_in.is_(False),
               p.updated_at >= since, p.contact_id.in_(reached))
        .group_by(p.channel).order_by(p.channel)).all()]
