"""Build a segment in Chromium: add a condition, watch the count change, nest a group, save."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.access import audit
from app.extensions import db
from app.models import Contact, Device, Event, Segment
from app.models.contacts import PLATFORM_PROVIDER
from app.models.types import utcnow
from tests.helpers.browser import answered, screenshot, settled, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

FIRST = ["maria", "liam", "sofia", "noah", "emma", "lucas", "mia", "hugo", "lea", "omar"]
LAST = ["garcia", "smith", "rossi", "muller", "dubois"]
LOCALES = ["en-GB", "en-US", "fr-FR", "de-DE", "es-ES"]
ZONES = ["Europe/London", "America/New_York", "Europe/Paris", "Europe/Berlin", "Europe/Madrid"]
PLANS = ["free", "free", "pro", "team", "pro"]


def seed_contacts(n: int = 50) -> None:
    now = utcnow()
    for i in range(n):
        first, last = FIRST[i % 10], LAST[i // 10]
        tags = [t for t, every in (("vip", 4), ("newsletter", 2), ("beta", 5)) if i % every == 0]
        contact = Contact(
            external_id=f"cus_{4810 + i}", email=f"{first}.{last}@example.com",
            phone=f"+1415555{i:04d}" if i % 3 else None, locale=LOCALES[i % 5],
            timezone=ZONES[i % 5], tags=tags,
            attributes={"plan": PLANS[i % 5], "age": 21 + (i * 7) % 45,
                        "first_name": first.title()},
            created_at=now - timedelta(days=3 * i), last_seen_at=now - timedelta(hours=5 * i))
        db.session.add(contact)
        db.session.flush()
        if i % 2 == 0:
            platform = ("ios", "android", "web")[i % 3]
            db.session.add(Device(contact_id=contact.id, platform=platform, active=i % 8 != 0,
                                  provider=PLATFORM_PROVIDER[platform], token=f"tok-{i}"))
        if i % 3 == 0:
            db.session.add(Event(contact_id=contact.id, kind="opened",
                                 at=now - timedelta(days=i)))
    db.session.commit()


def seed_segments(editor) -> None:
    saved = [
        ("Pro plan", "Paying customers on the Pro plan.",
         [{"type": "attribute", "key": "plan", "op": "equals", "value": "pro"}]),
        ("Engaged this month", "Opened something in the last 30 days.",
         [{"type": "engagement", "op": "opened", "value": 30}]),
        ("iOS in Europe", "",
         [{"type": "channel", "op": "reachable", "value": "ios"},
          {"type": "timezone", "op": "region", "value": "Europe"}]),
    ]
    for name, description, rules in saved:
        segment = Segment(name=name, description=description,
                          rules={"match": "all", "rules": rules}, created_by_id=editor.id)
        db.session.add(segment)
        db.session.flush()
        audit.record(db.session, editor, "segment.create", "segment", segment.id,
                     after={"name": name})
    db.session.commit()


def test_build_a_segment_and_watch_the_count(page):
    editor = make_operator("ada@example.com", "editor", name="Ada Lovelace")
    seed_contacts()
    seed_segments(editor)
    sign_in(page)

    page.get_by_role("link", name="Segments").click()
    expect(page.get_by_test_id("list-count").first).not_to_contain_text("counting")
    expect(page.get_by_role("row", name=re.compile("Pro plan"))).to_contain_text("20")
    screenshot(page, "segments")

    page.get_by_role("link", name="New segment").click()
    page.wait_for_url("**/segments/new")
    page.wait_for_load_state()  # htmx binds the builder's buttons once the page has loaded
    expect(page.get_by_test_id("segment-count")).to_have_attribute("data-count", "50")
    page.get_by_label("Name").fill("VIPs we can reach")
    page.get_by_label("Description").fill("VIP tag, and the iOS app or an open this month.")

    page.get_by_test_id("add-condition").click()
    settled(page)
    row = page.locator("#row-r-0")
    row.get_by_label("Value").fill("vip")
    expect(page.get_by_test_id("segment-count")).to_have_attribute("data-count", "13")

    page.get_by_test_id("add-group").click()
    settled(page)
    group = page.locator("#row-r-1")
    answered(page, group.get_by_label("Field").select_option, "channel")
    expect(group.get_by_label("Channel")).to_have_value("ios")
    expect(page.get_by_test_id("segment-count")).to_have_attribute("data-count", "2")
    group.get_by_role("button", name="Add condition to group").click()
    settled(page)
    inner = page.locator("#row-r-1-1")
    inner.get_by_label("Field").select_option("engagement")
    settled(page)
    expect(inner.get_by_label("Operator")).to_have_value("opened")
    inner.get_by_label("Days").fill("30")
    expect(page.get_by_test_id("segment-count")).to_have_attribute("data-count", "4")
    expect(page.locator("#segment-preview")).to_contain_text("cus_4810")
    page.set_viewport_size({"width": 1280, "height": 1000})
    screenshot(page, "segment_builder")

    page.get_by_test_id("save").click()
    expect(page.locator("#flash")).to_contain_text("saved")
    saved = db.session.scalar(select(Segment).where(Segment.name == "VIPs we can reach"))
    assert saved.rules == {"match": "all", "rules": [
        {"type": "tag", "op": "has", "value": "vip"},
        {"type": "group", "match": "any", "rules": [
            {"type": "channel", "op": "reachable", "value": "ios"},
            {"type": "engagement", "op": "opened", "value": 30}]}]}
