"""Notifications log in Chromium: filter to the dead ones, open one, re-drive it."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.models import Notification, NotificationStatus
from app.models.types import utcnow
from tests import factories
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser
PEOPLE = [("ada", "Ada"), ("grace", "Grace"), ("linus", "Linus"), ("ken", "Ken"),
          ("margaret", "Margaret"), ("barbara", "Barbara")]
MIX = [("sms", "delivered", "twilio"), ("email", "delivered", "sendgrid"),
       ("push", "sent", "fcm"), ("email", "sent", "sendgrid"), ("push", "delivered", "apns"),
       ("sms", "suppressed", None), ("email", "dead", "sendgrid"), ("sms", "retrying", "twilio"),
       ("push", "failed", "apns")]


def seed_log(db):
    contacts = [factories.contact(f"user-{key}", email=f"{key}@example.com",
                                  phone=f"+1415555{n:04d}") for n, (key, _) in enumerate(PEOPLE)]
    now = utcnow()
    for n in reversed(range(30)):  # the newest last: ids (UUIDv7) follow creation
        channel, status, provider = MIX[n % len(MIX)]
        contact = contacts[n % len(contacts)]
        row = Notification(
            contact_id=contact.id, channel=channel, category=("orders", "security")[n % 2],
            status=status, provider=provider, attempts=0 if status == "suppressed" else 1,
            address=contact.email if channel == "email" else contact.phone,
            reason="opted_out" if status == "suppressed" else None,
            content={"subject": "Your order shipped", "text": "Order A-1001 is on its way."},
            created_at=now - timedelta(minutes=7 * n))
        db.session.add(row)
        db.session.flush()
        db.session.add(NotificationStatus(notification_id=row.id, status="queued",
                                          at=row.created_at))
        if status == "dead":
            row.attempts, row.error_code = 5, "503"
            row.error_message = "Service Unavailable"
            db.session.add_all(NotificationStatus(
                notification_id=row.id, status="retrying" if a < 5 else "dead", attempt=a,
                provider="sendgrid", error_code="503", detail="Service Unavailable",
                at=row.created_at + timedelta(seconds=10 * 2 ** a)) for a in range(1, 6))
    db.session.commit()


def test_filter_open_and_re_drive(page, db):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    factories.category(quiet_hours=False)
    seed_log(db)
    sign_in(page, "grace@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link",
                                                             name="Notifications log").click()
    expect(page.locator("#log-results tbody tr")).to_have_count(30)
    screenshot(page, "notifications")
    page.get_by_label("Status").select_option("dead")  # htmx swaps the table
    expect(page.locator("#log-results tbody tr")).to_have_count(3)
    page.locator("#log-results tbody tr a").first.click()
    expect(page.locator("h1")).to_contain_text("Email")
    expect(page.locator("main")).to_contain_text("Service Unavailable")
    screenshot(page, "notification")
    page.get_by_role("button", name="Re-drive").click()
    expect(page.get_by_role("status")).to_contain_text("Queued again")
