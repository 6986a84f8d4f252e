"""A campaign report over a million notifications on PostgreSQL: `python -m bench analytics`.

Seeds, in SQL with generate_series: N contacts, one campaign run of N notifications (two
variants; email with push for every tenth contact; 90% delivered, failures, suppressions
and a 4% holdout) and 0.3 × N engagement events (opens, some by machines, clicks on three
links, conversions) over two days; runs ANALYZE; then times the whole report (every
query of the page, people only and with machines), the page itself through the console,
and the overview of 14 days. Target: the report page < 1 s (p50).
"""
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.analytics.overview import overview
from app.core.analytics.report import ReportQuery, campaign_report
from app.core.db import new_uuid_sql
from app.extensions import db
from app.models import (
    Campaign,
    CampaignRun,
    CampaignVariant,
    Category,
    Template,
    TemplateVersion,
)
from app.models.types import utcnow
from bench.common import run_over_contacts
from tests.helpers.console import PASSWORD, make_operator, token_from

DATABASE = "herald_bench_analytics"
START = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=2)
PARIS = ZoneInfo("Europe/Paris")
EMAIL = {"en": {"email": {"subject": "Sale", "html": '<a href="https://shop.example/1">1</a>'}}}


def _campaign() -> Campaign:
    """The campaign, its two variants and its run, as the models write them."""
    db.session.add(Category(key="promo", name="Promotions", marketing=True, quiet_hours=False))
    template = Template(key="sale", name="Sale", category="promo")
    db.session.add(template)
    db.session.flush()
    versions = [TemplateVersion(template_id=template.id, version=v, status="published",
                                content=EMAIL, published_at=utcnow()) for v in (1, 2)]
    db.session.add_all(versions)
    db.session.flush()
    campaign = Campaign(name="Big sale", category="promo", channels=["email", "push"],
                        holdout_percent=4, winner_metric="clicked", status="completed")
    campaign.variants = [CampaignVariant(position=p, template_version_id=v.id, share=50)
                         for p, v in enumerate(versions)]
    db.session.add(campaign)
    db.session.flush()
    db.session.add(CampaignRun(campaign_id=campaign.id, number=1, scheduled_for=START,
                               started_at=START, finished_at=START + timedelta(minutes=30),
                               status="completed"))
    db.session.flush()
    return campaign


SEED_SQL = [
    "INSERT INTO contacts (external_id, attributes, tags, created_at, updated_at) "
    "SELECT 'bench-' || g, '{}', '[]', now(), now() FROM generate_series(1, :n) AS g",
    # Every contact gets an email; every tenth a push too (half FCM, half APNs).
    """
    INSERT INTO notifications (id, source, campaign_id, campaign_run_id, variant, contact_id,
        channel, category, template_version_id, provider, status, reason, error_code,
        attempts, created_at, updated_at, sent_at)
    SELECT {uuid7}, 'campaign', :campaign, :run, c.id % 2, c.id, ch.channel,
        'promo', CASE WHEN c.id % 2 = 0 THEN :a ELSE :b END,
        CASE WHEN c.id % 25 = 0 THEN NULL WHEN ch.channel = 'email' THEN 'sendgrid'
             WHEN c.id % 20 = 0 THEN 'apns' ELSE 'fcm' END,
        CASE WHEN c.id % 25 = 0 THEN 'suppressed' WHEN c.id % 100 = 1 THEN 'failed'
             ELSE 'delivered' END,
        CASE WHEN c.id % 25 = 0 THEN 'holdout' END,
        CASE WHEN c.id % 100 = 1 THEN 'hard_bounce' END, 1, :start, :start,
        :start + (c.id % 1800) * interval '1 second'
    FROM contacts c CROSS JOIN (VALUES ('email'), ('push')) AS ch(channel)
    WHERE ch.channel = 'email' OR c.id % 10 = 0
    LIMIT :n
    """,
    # 0.3 × N events on delivered rows: 2/3 opens (1 in 20 by a machine), clicks, conversions.
    """
    INSERT INTO events (id, notification_id, contact_id, campaign_run_id, variant, channel,
                        provider, kind, url, machine, reason, at)
    SELECT {uuid7}, n.id, n.contact_id, n.campaign_run_id, n.variant, n.channel, n.provider, k.kind,
        CASE WHEN k.kind = 'clicked' THEN 'https://shop.example/' || (n.contact_id % 3) END,
        k.kind = 'opened' AND n.contact_id % 20 = 3,
        CASE WHEN k.kind = 'opened' AND n.contact_id % 20 = 3 THEN 'apple_mpp' END,
        :start + (n.contact_id % 2880) * interval '1 minute'
    FROM notifications n JOIN (VALUES ('opened', 4, 1), ('clicked', 15, 2),
                                      ('converted', 60, 4)) AS k(kind, every, r)
      ON n.contact_id % k.every = k.r
    WHERE n.status = 'delivered' AND n.channel = 'email'
    LIMIT :events
    """,
]


def seed(n: int) -> float:
    start = time.perf_counter()
    campaign = _campaign()
    a, b = (v.template_version_id for v in campaign.variants)
    values = {"n": n, "events": int(0.3 * n), "start": START, "campaign": campaign.id,
              "run": campaign.runs[0].id, "a": a, "b": b}
    uuid7 = str(new_uuid_sql(db.session))  # the log is partitioned by the time in its ids
    for statement in SEED_SQL:
        db.session.execute(sa.text(statement.replace("{uuid7}", uuid7)), values)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - start


def _p50_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_analytics(app, contacts: int = 1_000_000, rounds: int = 5) -> dict[str, float]:
    """Seed, then print and return the p50 milliseconds of each measured path."""
    with app.app_context():
        print(f"seeded {contacts:,} notifications in {seed(contacts):.1f} s")
        counts = db.session.execute(sa.text(
            "SELECT (SELECT count(*) FROM notifications), (SELECT count(*) FROM events)")).one()
        print(f"notifications {counts[0]:,}, events {counts[1]:,}")
        campaign = db.session.scalar(sa.select(Campaign))
        window = app.extensions["herald_config"].ATTRIBUTION_WINDOW_HOURS
        now = datetime.now(UTC)

        def report(humans_only):
            return lambda: campaign_report(db.session, campaign, ReportQuery(None, humans_only),
                                           PARIS, window, now)

        found = report(True)()
        print(f"report: {found.breakdown.total.sent:,} sent, "
              f"{found.breakdown.total.opened:,} opened, {len(found.hourly)} hours")
        results = {"report, people only (core)": _p50_ms(report(True), rounds),
                   "report, with machines (core)": _p50_ms(report(False), rounds),
                   "overview, 14 days (core)": _p50_ms(
                       lambda: overview(db.session, PARIS, 14, now), rounds)}
        make_operator("bench@example.com", "viewer", timezone="Europe/Paris")
        db.session.remove()
    client = app.test_client()
    token = token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": "bench@example.com", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    for name, url in (("report page (HTTP)", "/campaigns/1/report"),
                      ("report CSV (HTTP)", "/campaigns/1/report.csv"),
                      ("overview page (HTTP)", "/analytics/")):
        results[name] = _p50_ms(lambda u=url: _ok(client.get(u)), rounds)
    print(f"{'path (p50)':<32}{'ms':>8}")
    for name, ms in results.items():
        print(f"{name:<32}{ms:>8.0f}")
    return results


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def main() -> None:
    run_over_contacts(bench_analytics, DATABASE)


if __name__ == "__main__":
    main()
