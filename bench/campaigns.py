"""A campaign to a million contacts on PostgreSQL: `python -m bench campaigns`.

Seeds contacts (with devices, events and suppressions, as bench.segments does), then in
one run: the review's audience count, a bare INSERT … SELECT of the same notification
rows (rolled back: the ceiling), and Herald's fan-out of the campaign (rows written with
their history under every rule, the cursor committed per chunk, due rows queued in RQ).
Targets: fan-out ≤ 20 s and ≥ 0.5 of the bare insert; the review count < 2 s.
"""
import time

import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, review, runs, spec, store
from app.core.db import new_uuid_sql
from app.extensions import db
from app.models import (
    Category,
    Contact,
    Notification,
    NotificationStatus,
    Segment,
)
from app.models.types import utcnow
from bench.common import run_over_contacts
from bench.segments import seed
from tests import factories

DATABASE = "herald_bench_campaigns"
CONTENT = {"en": {"email": {"subject": "Winter sale", "html": "<p>Everything 20% off</p>"}}}


def _campaign():
    db.session.add(Category(key="promo", name="Promotions", marketing=True, quiet_hours=False))
    db.session.add(Segment(name="Everyone", rules={"match": "all", "rules": []}))
    factories.template("sale", content=CONTENT, category="promo")
    segment = db.session.scalar(sa.select(Segment))
    campaign = store.create_campaign(db.session, spec.parse({
        "name": "Winter sale", "category": "promo", "segment_id": segment.id,
        "channels": ["email"], "variants": [{"template": "sale"}]}), actor=SYSTEM)
    db.session.commit()
    return campaign


def _bare_insert(campaign) -> tuple[float, float, int]:
    """The same rows with no rule at all, in one statement, then their history rows in a
    second; rolled back. Returns (seconds for the rows, seconds with history, rows)."""
    version = campaign.variants[0].template_version_id
    now = utcnow()
    select = sa.select(
        new_uuid_sql(db.session), sa.literal("campaign"), sa.literal(campaign.id),
        sa.literal(-1), Contact.id, sa.literal("email"), sa.literal("promo"),
        sa.literal(version), Contact.email, sa.literal("queued"), sa.literal(0),
        sa.literal(now), sa.literal(now)).where(Contact.email.is_not(None))
    columns = ["id", "source", "campaign_id", "campaign_run_id", "contact_id", "channel",
               "category", "template_version_id", "address", "status", "attempts",
               "created_at", "updated_at"]
    start = time.perf_counter()
    db.session.execute(sa.insert(Notification).from_select(columns, select))
    elapsed = time.perf_counter() - start
    db.session.execute(sa.insert(NotificationStatus).from_select(
        ["notification_id", "status", "attempt", "at"],
        sa.select(Notification.id, Notification.status, sa.literal(0), sa.literal(now))))
    with_history = time.perf_counter() - start
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    db.session.rollback()
    return elapsed, with_history, rows


def bench_campaigns(app, contacts: int = 1_000_000, rounds: int = 1) -> None:
    config, redis = app.extensions["herald_config"], app.extensions["redis"]
    with app.app_context():
        print(f"seeded {contacts:,} contacts in {seed(contacts):.1f} s")
        campaign = _campaign()
        start = time.perf_counter()
        counts = review.audience_counts(db.session, campaign)
        review_s = time.perf_counter() - start
        bare_s, history_s, bare_rows = _bare_insert(campaign)
        now = utcnow()
        start = time.perf_counter()
        lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=now)
        run = runs.start_run(db.session, campaign, now)
        db.session.commit()
        totals = runs.fan_out(db.session, redis, config, run.id)
        ours_s = time.perf_counter() - start
        queued = sum(redis.llen(f"rq:queue:{name}") for name in ("email",))
    print(f"review audience count: {review_s:.2f} s ({counts['send']:,} to send, "
          f"reasons {counts['reasons']})")
    print(f"{'path':<34}{'rows':>11}{'seconds':>9}{'rows/s':>11}")
    print(f"{'bare INSERT … SELECT (ceiling)':<34}{bare_rows:>11,}{bare_s:>9.1f}"
          f"{bare_rows / bare_s:>11,.0f}")
    print(f"{'  … and their history rows':<34}{bare_rows:>11,}{history_s:>9.1f}"
          f"{bare_rows / history_s:>11,.0f}")
    print(f"{'campaign fan-out':<34}{totals['rows']:>11,}{ours_s:>9.1f}"
          f"{totals['rows'] / ours_s:>11,.0f}")
    print(f"ratio {bare_s / ours_s:.2f} of the bare rows, {history_s / ours_s:.2f} of the bare "
          f"rows with history; {totals['chunks']} chunks, {queued:,} delivery jobs queued")


def main() -> None:
    run_over_contacts(bench_campaigns, DATABASE)
