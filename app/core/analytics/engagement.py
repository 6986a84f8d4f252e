"""What recipients did with a campaign's messages: opens and clicks per hour in the
operator's zone, the links clicked (per variant, for the click map), bounces and
unsubscribes."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.core.analytics import buckets
from app.core.analytics.funnel import FAILED, SENT
from app.models import Category, Event, Notification, Preference

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
    last, gaps included."""
    slot = buckets.slice_of(session, Event.at)
    rows = session.execute(
        select(slot, Event.kind, func.count())
        .where(*_of_runs(run_ids, humans_only, "opened", "clicked"))
        .group_by(slot, Event.kind)).all()
    return buckets.series(rows, zone, "hour", ("opened", "clicked"))


@dataclass(frozen=True)
class LinkClicks:
    url: str
    clicks: int
    people: int


def top_links(session, run_ids: list[int], humans_only: bool = True,
              variant: int | None = None, limit: int = TOP_LINKS) -> list[LinkClicks]:
    """The most clicked links (clicks and distinct contacts), of one variant if given."""
    clicks = func.count()
    query = select(Event.url, clicks, func.count(Event.contact_id.distinct())).where(
        *_of_runs(run_ids, humans_only, "clicked"), Event.url.is_not(None))
    if variant is not None:
        query = query.join(Notification, Notification.id == Event.notification_id).where(
            Notification.variant == variant)
    rows = session.execute(query.group_by(Event.url).order_by(clicks.desc(), Event.url)
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
