"""Follow a sending campaign in Chromium: the list, then its page as the progress fills up
and finishes (the page polls; the channel workers deliver through the simulators)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from rq import SimpleWorker

import workers.jobs
from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, runs, spec, stats, store, timing
from app.core.campaigns.tick import tick
from app.extensions import db
from app.models import Contact, Notification, Preference, Segment
from app.models.campaigns import RunStatus
from app.models.types import utcnow
from tests import factories
from tests.campaigns.conftest import STATIC
from tests.e2e.conftest import drain  # noqa: F401  (fixture)
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

FIRST = ["amelia", "bruno", "chloe", "daniel", "elif", "felix", "grace", "hana", "isabel",
         "jonas", "kiara", "liam", "maya", "noah", "olivia", "pablo", "quinn", "rosa"]
LAST = ["hart", "carvalho", "martin", "okafor", "yilmaz", "wagner", "kim", "sato", "garcia"]


def seed_audience(n: int = 180) -> Segment:
    db.session.execute(sa.insert(Contact), [{
        "external_id": f"cus_{10001 + i}", "tags": ["newsletter"], "attributes": {},
        "email": None if i % 15 == 7 else f"{FIRST[i % 18]}.{LAST[i % 9]}{i}@example.com",
        "phone": None if i % 4 == 3 else f"+1415555{i:04d}"} for i in range(n)])
    promo = factories.category("promo", marketing=True, quiet_hours=False)
    ids = db.session.scalars(sa.select(Contact.id).order_by(Contact.id)).all()
    db.session.add_all([Preference(contact_id=i, category_id=promo.id, channel="sms",
                                   opted_in=False, source="api") for i in ids[::11]])
    segment = Segment(name="Newsletter subscribers", rules={
        "match": "all", "rules": [{"type": "tag", "op": "has", "value": "newsletter"}]})
    db.session.add(segment)
    factories.template("winter-sale", content=STATIC, category="promo")
    factories.template("winter-sale-urgent", content={"en": {**STATIC["en"], "email": {
        "subject": "Last day: 20% off", "html": "<p>Ends tonight</p>"}}}, category="promo")
    db.session.commit()
    return segment


def campaign(segment, name, **fields):
    data = {"name": name, "category": "promo", "segment_id": segment.id,
            "channels": ["email"], "variants": [{"template": "winter-sale"}], **fields}
    row = store.create_campaign(db.session, spec.parse(data), actor=SYSTEM)
    db.session.commit()
    return row


def past_run(row, days_ago: int, delivered: int, failed: int, suppressed: int) -> None:
    """A finished run with its counted numbers (what the tick leaves behind)."""
    started = utcnow() - timedelta(days=days_ago)
    run = runs.start_run(db.session, row, started)
    runs.end_run(run, RunStatus.COMPLETED, started + timedelta(minutes=4))
    total = {"rows": delivered + failed + suppressed, "held": 0, "waiting": 0, "queued": 0,
             "sent": delivered // 20, "delivered": delivered - delivered // 20,
             "failed": failed, "suppressed": suppressed}
    run.stats, run.stats_at = {"total": total, "channels": {"email": total},
                               "variants": {"A": total}, "reasons": {"opted_out": suppressed}}, \
        started + timedelta(minutes=4)
    db.session.commit()


def seed_list(segment) -> None:
    now = utcnow()
    spring = campaign(segment, "Spring collection launch")
    lifecycle.schedule(db.session, spring, actor=SYSTEM, now=now)
    past_run(spring, 40, 11_482, 37, 912)
    weekly = campaign(segment, "Weekly digest", schedule={
        "kind": "recurring", "cron": "0 8 * * 1", "timezone": "Europe/Paris"})
    lifecycle.schedule(db.session, weekly, actor=SYSTEM, now=now - timedelta(days=15))
    past_run(weekly, 14, 8_911, 12, 604)
    past_run(weekly, 7, 9_034, 9, 611)
    weekly.next_run_at = timing.cron_runs(weekly.cron, weekly.timezone, now, 1)[0]
    early = campaign(segment, "Black Friday early access", channels=["push", "email"],
                     channel_mode="fallback", window={"start": "09:00", "end": "20:00"},
                     schedule={"kind": "at", "send_at": (now + timedelta(days=9)).replace(
                         hour=7, minute=0, second=0, microsecond=0)})
    lifecycle.schedule(db.session, early, actor=SYSTEM, now=now)
    campaign(segment, "Cart reminder — copy test", channels=["sms"])
    db.session.commit()


def deliver(app, redis, queues) -> None:
    workers.jobs.use_app(app)
    SimpleWorker(queues, connection=redis).work(burst=True)


def test_watch_a_campaign_send_to_the_end(page, app, redis, config, drain):  # noqa: F811
    make_operator("grace@example.com", "editor", name="Grace Hopper",
                  timezone="Europe/Paris")
    segment = seed_audience()
    seed_list(segment)
    sale = campaign(segment, "Winter sale", channels=["email", "sms"],
                    variants=[{"template": "winter-sale", "share": 50},
                              {"template": "winter-sale-urgent", "share": 50}])
    lifecycle.schedule(db.session, sale, actor=SYSTEM, now=utcnow())
    run = runs.start_run(db.session, sale, utcnow())
    db.session.commit()
    runs.fan_out(db.session, redis, config, run.id)
    stats.refresh(db.session, run, utcnow(), force=True)
    db.session.commit()

    sign_in(page, "grace@example.com")
    page.goto(f"/campaigns/{sale.id}")
    progress = page.locator("#run-progress")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_test_id("run-status")).to_contain_text("sending")
    expect(page.get_by_test_id("pause")).to_be_visible()
    expect(page.get_by_test_id("percent")).not_to_have_text("100%")

    deliver(app, redis, ["email"])  # the email worker first; SMS still waits
    stats.refresh(db.session, run, utcnow(), force=True)
    db.session.commit()
    halfway = page.get_by_test_id("total-sent")
    expect(halfway).not_to_have_text("0", timeout=10_000)  # the poll brought the count
    expect(page.get_by_test_id("eta")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1240})
    screenshot(page, "campaign_progress")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto("/campaigns/")
    rows = page.get_by_test_id("campaign-row")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Winter sale")
    expect(page.locator("main")).to_contain_text("CET")  # times in Grace's zone
    screenshot(page, "campaigns")

    page.get_by_role("link", name="Winter sale").click()
    drain()  # the SMS worker too
    tick(db.session, redis, config, now=utcnow())
    db.session.expire_all()
    assert db.session.get(type(run), run.id).status == RunStatus.COMPLETED
    # The page polls, sees the run end and reloads itself: the buttons change with it.
    expect(page.get_by_test_id("run-status")).to_contain_text("completed", timeout=15_000)
    expect(page.get_by_test_id("percent")).to_have_text("100%")
    expect(page.get_by_test_id("pause")).to_have_count(0)
    expect(page.get_by_test_id("clone")).to_be_visible()
    counts = dict(db.session.execute(sa.select(Notification.status, sa.func.count()).where(
        Notification.campaign_run_id == run.id).group_by(Notification.status)).all())
    for status in ("sent", "delivered", "failed", "suppressed"):
        expect(page.get_by_test_id(f"total-{status}")).to_have_text(
            f"{counts.get(status, 0):,}")
    assert counts.get("suppressed", 0) > 0 and "queued" not in counts

    # Cancel asks first (a disclosure, no script), then says what it did.
    page.goto("/campaigns/")
    page.get_by_role("link", name="Black Friday early access").click()
    confirm = page.get_by_test_id("confirm-cancel")
    expect(confirm).to_be_hidden()
    page.get_by_test_id("cancel").click()
    expect(page.get_by_role("dialog")).to_contain_text("Cancel this campaign for good?")
    confirm.click()
    expect(page.locator("#flash")).to_contain_text("Cancelled for good")
    expect(page.locator(".page-header")).to_contain_text("cancelled")
    expect(page.get_by_test_id("archive")).to_be_visible()
