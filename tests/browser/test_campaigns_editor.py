"""Build a campaign in Chromium through the editor's steps, watch the schedule preview,
read the review and confirm it; screenshot the editor and the review."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Device, Preference, Segment, Suppression
from app.models.campaigns import Campaign
from tests import factories
from tests.campaigns.conftest import add_contacts
from tests.helpers.browser import animations_done, answered, screenshot, settled, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
SALE_EMAIL = """<div style="font-family: -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  color: #1d2939">
  <div style="background: #0f766e; color: #fff; padding: 22px 24px; font-size: 18px;
    font-weight: 700">Northwind Outfitters</div>
  <div style="padding: 24px; font-size: 15px; line-height: 1.55">
    <h1 style="font-size: 22px; margin: 0 0 12px">The winter sale starts now</h1>
    <p>Hi {{ contact.first_name }}, coats, boots and everything warm are {{ discount }} off
      until Sunday.</p>
    <p><a href="https://northwind.example/sale" style="display: inline-block;
      background: #0f766e; color: #fff; padding: 11px 20px; border-radius: 8px;
      text-decoration: none; font-weight: 600">Shop the sale</a></p>
  </div>
</div>"""


def content(title: str, subject: str) -> dict:
    return {"en": {
        "push": {"title": title, "body": "Coats, boots and everything warm: {{ discount }} off "
                                         "until Sunday."},
        "sms": {"text": "Northwind: the winter sale is on, {{ discount }} off until Sunday. "
                        "https://northwind.example/sale"},
        "email": {"subject": subject, "preheader": "Everything warm, until Sunday.",
                  "html": SALE_EMAIL}}}


def seed() -> None:
    promo = factories.category("promo", marketing=True, quiet_hours=False, frequency_cap=3)
    promo.name = "Promotions"
    factories.template("winter-sale", content=content("Winter sale ❄️", "The winter sale is on"),
                       category="promo").name = "Winter sale"
    factories.template("winter-sale-b", content=content("{{ discount }} off everything warm",
                                                        "{{ discount }} off, until Sunday"),
                       category="promo").name = "Winter sale (short)"
    ids = add_contacts(1200, phone=lambda i: f"+1415{i:07d}" if i % 3 else None,
                       email=lambda i: None if i % 50 == 11 else f"c{i}@example.com")
    for name, rules in (("Everyone", []),
                        ("Newsletter readers", [{"type": "tag", "op": "has", "value": "news"}]),
                        ("Bought in the last 30 days",
                         [{"type": "tag", "op": "has", "value": "buyer"}])):
        db.session.add(Segment(name=name, rules={"match": "all", "rules": rules}))
    db.session.add_all([Suppression(channel="email", address=f"c{i}@example.com",
                                    reason="bounce") for i in range(0, 1200, 40)])
    db.session.add_all([Device(contact_id=ids[i], platform="ios", provider="apns",
                               token=f"{i:064x}") for i in range(1, 1200, 5)])
    db.session.add_all([Preference(contact_id=ids[i], category_id=promo.id, channel="email",
                                   opted_in=False, source="api") for i in range(5, 1200, 25)])
    db.session.commit()


def test_build_review_and_schedule_a_campaign(page):
    make_operator("ada@example.com", "editor", name="Ada Lovelace", timezone="Europe/Paris")
    seed()
    page.set_viewport_size(WIDE)
    sign_in(page)
    page.goto("/campaigns/new")

    # 1 Content: two variants at 50/50.
    page.get_by_label("Name").fill("Winter sale — EU")
    page.get_by_text("Split variants").click()
    page.locator("#variant-0").select_option("winter-sale:1")
    page.locator("#variant-1").select_option("winter-sale-b:1")
    page.locator("#share-0").fill("50")
    page.locator("#share-1").fill("40")
    page.get_by_test_id("save-next").click()
    expect(page.locator("#variants-error")).to_contain_text("shares must add up to 100")
    page.locator("#share-1").fill("50")
    animations_done(page)
    screenshot(page, "campaign_editor")
    page.get_by_test_id("save-next").click()

    # 2 Audience: email first, else push; no SMS; 10% holdout.
    expect(page.get_by_role("heading", name="Channels")).to_be_visible()
    page.locator("#segment_id").select_option(label="Everyone")
    page.get_by_text("The first one they can receive").click()
    page.get_by_role("button", name="Move Email up").click()
    page.get_by_role("button", name="Move Email up").click()
    page.locator('input[name="channels"][value="sms"]').uncheck()
    expect(page.locator(".ce-order-row").first).to_have_attribute("data-channel", "email")
    page.get_by_label("Holdout").fill("10")
    animations_done(page)
    screenshot(page, "campaign_audience")
    page.get_by_test_id("save-next").click()

    # 3 Schedule: weekly on Monday and Thursday at 09:30, previewed as typed.
    page.get_by_text("Recurring", exact=True).click()
    settled(page)
    page.locator(".ce-seg-btn", has_text="Every week").click()
    settled(page)
    answered(page, page.locator('.ce-day:has(input[value="3"])').click)
    answered(page, page.get_by_label("At", exact=True).fill, "09:30")
    expect(page.get_by_test_id("cron-text")).to_contain_text("09:30, only on Monday and Thursday")
    expect(page.get_by_test_id("next-runs").locator("li")).to_have_count(5)
    animations_done(page)
    screenshot(page, "campaign_schedule")
    page.get_by_test_id("save-next").click()

    # 4 Delivery: weekdays 09:00–20:00, 500 a minute.
    page.locator(".ce-toggle").click()
    page.get_by_label("From").fill("09:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_label("Throttle").fill("500")
    page.get_by_test_id("save-next").click()

    # The review: the counts, the variants, the confirm.
    expect(page).to_have_url(re.compile(r"/campaigns/\d+/review$"))
    table = page.get_by_test_id("audience-table")
    expect(table).to_contain_text("Holdout")
    expect(page.get_by_test_id("variant-preview")).to_have_count(2)
    expect(page.get_by_test_id("duration")).not_to_have_text("—")
    page.set_viewport_size({"width": 1440, "height": 1800})
    animations_done(page)
    screenshot(page, "campaign_review")
    page.set_viewport_size(WIDE)
    page.get_by_test_id("confirm").click()
    expect(page.locator("#flash")).to_contain_text("is scheduled: it starts on Mon")

    campaign = db.session.scalar(sa.select(Campaign))
    db.session.refresh(campaign)
    assert (campaign.status, campaign.cron, campaign.timezone, campaign.channels,
            campaign.channel_mode, campaign.holdout_percent, campaign.throttle_per_minute) == \
        ("scheduled", "30 9 * * 1,4", "Europe/Paris", ["email", "push"], "fallback", 10, 500)
    assert [v.share for v in campaign.variants] == [50, 50]
