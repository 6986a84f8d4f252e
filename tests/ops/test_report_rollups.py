"""Reports count the same after retention drops the oldest days, whichever goes first, the
messages or their events: the templates' numbers, a campaign's hourly chart, top links
and click map (PostgreSQL: day partitions dropped; SQLite: batched deletes)."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.core.analytics import engagement, funnel
from app.core.analytics.overview import overview
from app.core.ops import engagement_rollups, partitions, retention, template_rollups
from app.models import Event, EventSlotRollup, LinkRollup, Notification, TemplateRollup
from tests import factories
from tests.ops.conftest import uuid7_at

BASE = datetime(2034, 5, 1, tzinfo=UTC)
RUN = 61
KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30: a UTC hour splits in two local ones
SALE, NEW, RECEIPT = ("https://shop.example/sale", "https://shop.example/new",
                      "https://shop.example/receipt")


@pytest.fixture()
def session(request, db):
    """The session, with the day partitions put back afterwards on PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return request.getfixturevalue("log_partitions")
    return db.session


def _sent(session) -> dict:
    """Transactional messages of one template and a campaign run's two variants, created an
    hour into BASE's day; events on its first three days, some on several days, some by
    machines."""
    if session.get_bind().dialect.name == "postgresql":
        partitions.ensure_ahead(session.connection(), BASE.date(), ahead=3)
        session.commit()
    receipt = factories.template("receipt").published_version_id
    promo = factories.template("promo").published_version_id
    created = BASE + timedelta(hours=1)
    sent = {}
    for name, status, extra in (
            ("t1", "delivered", {}), ("t2", "delivered", {}), ("t3", "failed", {}),
            ("t4", "suppressed", {"reason": "opted_out"}),
            ("c1", "delivered", {"variant": 0}), ("c2", "delivered", {"variant": 0}),
            ("c3", "delivered", {"variant": 1})):
        campaign = {"campaign_id": RUN, "campaign_run_id": RUN} if name[0] == "c" else {}
        sent[name] = factories.notification(
            factories.contact(name, None, None), id=uuid7_at(created), status=status,
            provider="sendgrid", created_at=created, template_version_id=receipt if
            name[0] == "t" else promo, **campaign, **extra)
    day = [BASE + timedelta(days=n, hours=10) for n in range(3)]
    for name, kind, on, machine, url in (
            ("t1", "opened", 0, False, None), ("t1", "clicked", 0, False, RECEIPT),
            ("t2", "opened", 0, True, None), ("c1", "opened", 0, False, None),
            ("c1", "clicked", 0, False, SALE), ("c1", "clicked", 0, False, SALE),
            ("c2", "clicked", 0, True, NEW), ("c3", "opened", 0, True, None),
            ("c3", "clicked", 0, False, SALE),
            ("t2", "opened", 1, False, None), ("t1", "clicked", 1, True, RECEIPT),
            ("c1", "clicked", 1, False, SALE), ("c3", "opened", 1, False, None),
            ("c2", "clicked", 1, False, NEW),
            ("t1", "opened", 2, False, None), ("c2", "clicked", 2, False, SALE),
            ("c1", "opened", 2, False, None), ("c3", "clicked", 2, True, SALE)):
        at = day[on] + timedelta(minutes=len(name) + on * 7 + (kind == "clicked") * 40)
        factories.event(sent[name], kind, at, id=uuid7_at(at), machine=machine, url=url)
    return sent


def _reports(session) -> dict:
    """Every figure the rollups keep, of people and of anyone."""
    found = {}
    for humans in (True, False):
        found[humans] = {
            "templates": overview(session, UTC, 90, BASE + timedelta(days=3),
                                  humans_only=humans).templates,
            "hourly": engagement.hourly(session, [RUN], KOLKATA, humans),
            "links": engagement.top_links(session, [RUN], humans),
            "clickmap": [engagement.top_links(session, [RUN], humans, variant=v)
                         for v in (0, 1)],
            "funnel": funnel.breakdown(session, [RUN], humans).total,
        }
    session.rollback()
    return found


def _apply(session, config, monkeypatch, now, notifications_days, events_days) -> None:
    monkeypatch.setattr(config, "RETENTION_NOTIFICATIONS_DAYS", notifications_days)
    monkeypatch.setattr(config, "RETENTION_EVENTS_DAYS", events_days)
    retention.apply(session, config, now)


@pytest.mark.parametrize("first", ["events", "notifications"])
def test_reports_count_the_same_after_the_oldest_days_go(session, config, monkeypatch, first):
    _sent(session)
    before = _reports(session)
    people, anyone = before[True], before[False]
    receipt = next(t for t in people["templates"] if t.key == "receipt")
    assert (receipt.rows, receipt.sent, receipt.failed, receipt.suppressed) == (4, 2, 1, 1)
    assert (receipt.opened, receipt.clicked) == (2, 1)
    assert [(t.opened, t.clicked) for t in anyone["templates"] if t.key == "receipt"] == \
        [(2, 1)]
    assert [(link.url, link.clicks, link.people) for link in people["links"]] == \
        [(SALE, 5, 3), (NEW, 1, 1)]
    assert [(link.url, link.clicks) for link in anyone["links"]] == [(SALE, 6), (NEW, 2)]
    assert [[(link.url, link.clicks) for link in v] for v in people["clickmap"]] == \
        [[(SALE, 4), (NEW, 1)], [(SALE, 1)]]
    assert sum(n["opened"] + n["clicked"] for _, n in people["hourly"]) == 9
    assert sum(n["opened"] + n["clicked"] for _, n in anyone["hourly"]) == 12

    # Both days with events on later days go: the first one way, then the other.
    later = BASE + timedelta(days=4)
    if first == "events":
        _apply(session, config, monkeypatch, later, 90, 2)
        assert _reports(session) == before
        _apply(session, config, monkeypatch, later + timedelta(days=90), 90, 400)
    else:
        _apply(session, config, monkeypatch, later, 2, 400)
        assert _reports(session) == before
        _apply(session, config, monkeypatch, later, 2, 2)

    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    assert sorted(session.scalars(select(Event.at))) == [
        BASE + timedelta(days=2, hours=10, minutes=m) for m in (16, 16, 56, 56)]
    for model in (EventSlotRollup, LinkRollup, TemplateRollup):
        assert session.scalar(select(func.count()).select_from(model))
    assert _reports(session) == before


@pytest.mark.postgresql
def test_a_partition_rolled_up_again_replaces_its_counts(session):
    _sent(session)
    part = next(p for p in partitions.partitions(session.connection(), "events")
                if p.name == f"events_p{BASE:%Y%m%d}")
    counts = []
    for _ in range(2):
        engagement_rollups.roll_up(session, retention.id_range(part), source=part.name)
        template_rollups.roll_up_events(session, retention.id_range(part), source=part.name)
        counts.append([session.execute(select(func.count(), func.sum(column)).where(
            model.source == part.name)).one() for model, column in (
            (EventSlotRollup, EventSlotRollup.events), (LinkRollup, LinkRollup.clicks),
            (TemplateRollup, TemplateRollup.notifications))])
    assert counts[0] == counts[1]
    assert [tuple(c) for c in counts[0]] == [(4, 6), (3, 4), (2, 0)]
