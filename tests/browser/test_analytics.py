"""A campaign report and the analytics overview in Chromium: the plotly charts are drawn
(SVG in the page, no console error: the CSP lets plotly.js run), tables behind each."""
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import (
    Campaign,
    CampaignRun,
    CampaignVariant,
    Contact,
    Event,
    Notification,
    Suppression,
)
from app.models.types import utcnow
from tests import factories
from tests.analytics.conftest import EMAIL
from tests.helpers.browser import animations_done, screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser
LINKS = ["https://shop.example/sale", "https://shop.example/new"]
# (variant, channel, provider, status, reason, share of 1,000)
MIX = [(0, "email", "sendgrid", "delivered", None, 380), (1, "email", "sendgrid",
       "delivered", None, 380), (0, "email", "sendgrid", "failed", None, 8),
       (1, "email", "sendgrid", "failed", None, 7), (0, "push", "fcm", "delivered", None, 60),
       (1, "push", "apns", "delivered", None, 45), (None, "email", None, "suppressed",
       "holdout", 60), (0, "email", None, "suppressed", "opted_out", 30),
       (1, "email", None, "suppressed", "suppressed_address", 20), (1, "push", None,
       "suppressed", "no_address", 10)]


def seed_campaign(db, contacts=4000):
    """A two-variant campaign sent a day and a half ago: B gets more clicks."""
    rng = random.Random(7)
    factories.category("promo", marketing=True, quiet_hours=False)
    a = factories.template("spring-a", content=EMAIL, category="promo")
    b = factories.template("spring-b", content=EMAIL, category="promo")
    started = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=36)
    campaign = Campaign(name="Spring sale", category="promo", channels=["email", "push"],
                        holdout_percent=6, winner_metric="clicked", status="completed")
    campaign.variants = [
        CampaignVariant(position=p, template_version_id=t.published_version_id, share=50)
        for p, t in enumerate((a, b))]
    db.session.add(campaign)
    db.session.flush()
    run = CampaignRun(campaign_id=campaign.id, number=1, scheduled_for=started,
                      started_at=started, finished_at=started + timedelta(minutes=20),
                      status="completed")
    db.session.add(run)
    db.session.flush()
    ids = db.session.scalars(sa.insert(Contact).returning(Contact.id), [
        {"external_id": f"c-{i}", "attributes": {}, "tags": []} for i in range(contacts)]).all()
    shapes = [shape for shape in MIX for _ in range(shape[-1])]
    rows = [{"campaign_id": campaign.id, "campaign_run_id": run.id, "contact_id": cid,
             "variant": shape[0] if shape[0] is not None else rng.randrange(2),
             "channel": shape[1], "provider": shape[2], "status": shape[3],
             "reason": shape[4], "category": "promo", "source": "campaign",
             "error_code": "hard_bounce" if shape[3] == "failed" else None,
             "sent_at": started} for cid, shape in ((i, rng.choice(shapes)) for i in ids)]
    written = db.session.execute(sa.insert(Notification).returning(
        Notification.id, Notification.contact_id, Notification.variant,
        Notification.channel, Notification.provider, Notification.status,
        Notification.reason), rows).all()
    copied = {n.id: {"campaign_run_id": run.id, "variant": n.variant, "channel": n.channel,
                     "provider": n.provider} for n in written}
    events = []
    for n in written:
        if n.status != "delivered":
            if n.reason == "holdout" and rng.random() < 0.008:
                events.append(_event(None, n.contact_id, "converted", started, rng))
            continue
        if rng.random() < 0.42:
            events.append(_event(n.id, n.contact_id, "opened", started, rng))
            if rng.random() < (0.18 if n.variant == 0 else 0.27):
                events.append(_event(n.id, n.contact_id, "clicked", started, rng,
                                     url=LINKS[rng.random() < 0.3]))
                if rng.random() < 0.25:
                    events.append(_event(n.id, n.contact_id, "converted", started, rng))
        if rng.random() < 0.08:
            events.append({**_event(n.id, n.contact_id, "opened", started, rng),
                           "machine": True, "reason": "apple_mpp"})
    empty = dict.fromkeys(("campaign_run_id", "variant", "channel", "provider"))
    db.session.execute(sa.insert(Event), [
        {**e, **copied.get(e["notification_id"], empty)} for e in events])
    db.session.commit()
    return campaign


def _event(notification_id, contact_id, kind, started, rng, url=None):
    hours = min(rng.expovariate(1 / 7), 35.5)  # most in the first hours, a long tail
    return {"notification_id": notification_id, "contact_id": contact_id, "kind": kind,
            "url": url, "machine": False, "at": started + timedelta(hours=hours)}


def test_campaign_report_draws_its_charts(page, db):
    make_operator("ada@example.com", "viewer", name="Ada", timezone="Europe/Paris")
    campaign = seed_campaign(db)
    sign_in(page)
    page.goto(f"/campaigns/{campaign.id}/report")
    for chart in ("funnel", "hourly", "variants"):
        expect(page.locator(f"#chart-{chart} svg.main-svg").first).to_be_visible()
        expect(page.locator(f"#chart-{chart}[data-drawn]")).to_have_count(1)
    expect(page.get_by_text("Opens and clicks per hour")).to_be_visible()
    expect(page.locator(".verdict.is-clear").first).to_contain_text("B beats A on clicks")
    frame = page.frame_locator(".clickmap-frame").first
    expect(frame.get_by_text("Shop the sale")).to_be_visible()
    expect(frame.locator("span[title$='clicks · 70%'], span[title*='clicks']").first) \
        .to_be_visible()
    page.get_by_text("Show as table").first.click()
    expect(page.locator(".chart-table[open] table")).to_be_visible()
    page.get_by_text("Show as table").first.click()
    page.set_viewport_size({"width": 1280, "height": 1900})
    page.evaluate("window.scrollTo(0, 0)")
    animations_done(page)
    screenshot(page, "campaign_report")
    page.locator("#ab-title").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('ab-title').scrollIntoView()")
    screenshot(page, "campaign_report_experiments")
    page.get_by_label("Include machines").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?run=&machines=1")
    expect(page.locator(".page-subtitle")).to_contain_text("people and machines")
    expect(page.locator("#chart-funnel svg.main-svg").first).to_be_visible()


def seed_transactional(db, rows=1200):
    """Two weeks of API sends of three templates over every channel."""
    rng = random.Random(11)
    contact = factories.contact()
    versions = [factories.template(key).published_version_id
                for key in ("order-shipped", "password-reset", "receipt")]
    channels = [("email", "sendgrid"), ("sms", "twilio"), ("push", "fcm"), ("push", "apns")]
    now = utcnow()
    db.session.execute(sa.insert(Notification), [
        {"contact_id": contact.id, "channel": channel, "provider": provider,
         "category": "orders", "template_version_id": rng.choice(versions),
         "status": rng.choices(["delivered", "sent", "failed"], [90, 8, 2])[0],
         "created_at": now - timedelta(hours=rng.uniform(0, 13 * 24))}
        for channel, provider in (rng.choice(channels) for _ in range(rows))])
    db.session.commit()


def test_overview_draws_its_charts(page, db):
    make_operator("ada@example.com", "viewer", name="Ada")
    seed_campaign(db, contacts=1500)
    db.session.execute(sa.update(Notification).values(
        created_at=utcnow() - timedelta(days=3)))
    seed_transactional(db)
    db.session.add_all(Suppression(channel="email", address=f"x{i}@example.com",
                                   reason=("hard_bounce", "complaint")[i % 2],
                                   created_at=utcnow() - timedelta(days=i % 6))
                       for i in range(24))
    db.session.commit()
    sign_in(page)
    page.get_by_role("link", name="Analytics").click()
    for chart in ("volume", "providers", "opt_outs"):
        expect(page.locator(f"#chart-{chart} svg.main-svg").first).to_be_visible()
    expect(page.get_by_role("row", name="Order-Shipped order-shipped")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1300})
    animations_done(page)
    screenshot(page, "analytics_overview")
