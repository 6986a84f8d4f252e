"""The demo workspace: seeded through core, once, and removed without a trace."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.analytics import overview
from app.core.demo.remove import remove
from app.core.demo.seed import seed
from app.models import Campaign, Contact, Device, Event, Notification, Template
from app.sandbox.webpush import subscription
from tests import factories

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables}


def web(name: str) -> dict:
    return subscription("https://127.0.0.1:9443", name)


def test_seed_makes_a_workspace_with_history_and_remove_leaves_nothing(db, config):
    own = factories.contact("real-1", email="real@example.com")  # the install's own data
    factories.template("real-template", category="transactional")
    before = counts(db)

    summary = seed(db.session, config, now=NOW, web_subscription=web)
    db.session.commit()

    assert summary["contacts"] == 2000
    session = db.session
    zones = session.scalars(sa.select(Contact.timezone).distinct()).all()
    assert len([z for z in zones if z]) >= 6
    assert len(set(session.scalars(sa.select(Contact.locale).distinct()))) >= 5
    platforms = set(session.scalars(sa.select(Device.platform).distinct()))
    assert platforms == {"ios", "android", "web"}
    assert {t.key for t in session.scalars(sa.select(Template))} >= {
        "order-shipped", "password-reset", "weekly-digest", "spring-promotion"}
    statuses = dict(session.execute(sa.select(Campaign.name, Campaign.status)).all())
    assert statuses == {"Demo: Spring sale": "completed", "Demo: Weekly digest": "scheduled"}
    kinds = set(session.scalars(sa.select(Event.kind).distinct()))
    assert kinds == {"opened", "clicked", "converted", "unsubscribed"}
    delivered_days = {n.date() for n in session.scalars(sa.select(Notification.delivered_at)
                                                        .where(Notification.delivered_at.is_not(None)))}
    assert len(delivered_days) >= 5  # history spread over days: the charts have a shape
    report = overview.overview(session, ZoneInfo("UTC"), 14, NOW)
    assert sum(1 for _, channels in report.volume if sum(channels.values())) >= 5
    assert {t.key for t in report.templates} >= {"order-shipped", "password-reset"}
    assert {"hard_bounce", "opted_out"} <= set(report.opt_out_kinds)

    assert seed(db.session, config, now=NOW, web_subscription=web) is None  # once only
    assert session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 2001

    removed = remove(db.session)
    db.session.commit()
    assert removed["contacts"] == 2000
    assert counts(db) == before
    assert db.session.get(Contact, own.id).email == "real@example.com"


def test_seed_after_remove_seeds_again(db, config):
    seed(db.session, config, now=NOW)
    db.session.commit()
    remove(db.session)
    db.session.commit()
    assert seed(db.session, config, now=NOW)["contacts"] == 2000
