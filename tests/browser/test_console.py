"""Drive the console in Chromium: sign in, every nav entry, API keys, operators, audit."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.access import audit
from app.extensions import db
from app.models import Notification
from app.models.types import utcnow
from tests import factories
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import PASSWORD, make_operator

pytestmark = pytest.mark.browser

NAV = [("Dashboard", "Dashboard"), ("Contacts", "Contacts"), ("Templates", "Templates"),
       ("Segments", "Segments"), ("Campaigns", "Campaigns"),
       ("Notifications log", "Notifications log"), ("Operators", "Operators"),
       ("API keys", "API keys"), ("Audit log", "Audit log"), ("System", "System")]


def seed_activity(admin):
    """Some contacts, notifications and audit entries, so pages show real data."""
    contacts = [factories.contact(external_id=f"user-{n}", email=f"u{n}@example.com",
                                  phone=f"+1415555{n:04d}") for n in range(12)]
    statuses = ["delivered"] * 46 + ["sent"] * 9 + ["queued"] * 4 + ["retrying"] * 2 + \
        ["failed"] * 3 + ["suppressed"] * 5
    for n, status in enumerate(statuses):
        db.session.add(Notification(contact_id=contacts[n % 12].id, channel="email",
                                    category="orders", status=status,
                                    created_at=utcnow() - timedelta(minutes=n * 7)))
    audit.record(db.session, admin, "template.publish", "template", 3,
                 {"status": "draft", "version": 2}, {"status": "published", "version": 2},
                 "203.0.113.7")
    audit.record(db.session, admin, "contact.update", "contact", contacts[0].id,
                 {"email": "old@example.com", "tags": ["beta"]},
                 {"email": "u0@example.com", "tags": ["beta", "vip"]}, "203.0.113.7")
    db.session.commit()


def test_sign_in_and_visit_every_nav_entry(page):
    admin = make_operator("ada@example.com", "admin", name="Ada Lovelace")
    seed_activity(admin)
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=/dashboard"))
    screenshot(page, "login")

    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("don't match")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".topbar")).to_contain_text("Ada Lovelace")
    expect(page.locator(".topbar")).to_contain_text("Admin")
    expect(page.locator(".bar-value").first).to_have_text("0")  # accepted
    screenshot(page, "dashboard")

    nav = page.get_by_role("navigation", name="Main")
    for label, title in NAV:
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.locator("h1")).to_have_text(title)
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("signed out")


def test_create_an_api_key_shown_once_then_revoke_it(page):
    make_operator("ada@example.com", "admin", name="Ada Lovelace")
    sign_in(page)
    page.goto("/settings/api-keys/")
    expect(page.get_by_text("No API keys yet")).to_be_visible()
    page.get_by_role("link", name="New API key").click()
    page.get_by_role("button", name="Create key").click()  # no name: errors next to fields
    expect(page.locator("#name-error")).to_be_visible()
    page.get_by_label("Name").fill("Checkout service (production)")
    page.get_by_label(re.compile("^manage")).check()
    page.get_by_role("button", name="Create key").click()

    token = page.locator("#secret-key").input_value()
    assert re.fullmatch(r"hk_[a-z0-9]{8}_[\w-]{40,}", token)
    page.get_by_role("link", name="I've stored it").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert token not in page.content()

    page.get_by_role("link", name="New API key").click()
    page.get_by_label("Name").fill("Mobile backend")
    page.get_by_role("button", name="Create key").click()
    page.get_by_role("link", name="I've stored it").click()

    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator("tbody tr", has_text="Mobile backend")
    row.get_by_role("button", name="Revoke").click()  # htmx: the row swaps in place
    expect(row).to_contain_text("revoked")
    expect(page.locator("#flash")).to_contain_text("revoked")
    assert page.url.endswith("/settings/api-keys/")
    screenshot(page, "api_keys")


def test_operators_and_audit_log(page):
    admin = make_operator("ada@example.com", "admin", name="Ada Lovelace")
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    make_operator("linus@example.com", "viewer", name="Linus Torvalds",
                  last_login_at=utcnow() - timedelta(hours=3))
    make_operator("ken@example.com", "editor", active=False)
    seed_activity(admin)
    sign_in(page)

    page.goto("/settings/operators/new")
    page.get_by_label("Email").fill("margaret@example.com")
    page.get_by_label("Name").fill("Margaret Hamilton")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Create invitation").click()
    link = page.locator("#secret-link").input_value()
    assert "/set-password/" in link
    page.get_by_role("link", name="Done").click()
    page.wait_for_url("**/settings/operators/")
    page.wait_for_load_state()  # htmx binds the role selects once the page has loaded

    row = page.locator("tr", has_text="margaret@example.com")
    expect(row).to_contain_text("invited")
    row.get_by_label("Role of margaret@example.com").select_option("editor")  # htmx on change
    expect(page.locator("#flash")).to_contain_text("margaret@example.com is now editor")
    screenshot(page, "operators")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.locator(".table-audit > tbody > tr")).to_have_count(4)
    page.locator("#audit-results details").first.locator("summary").click()
    expect(page.locator(".diff-new").first).to_contain_text('"editor"')
    screenshot(page, "audit_log")
    page.get_by_label("Action").select_option("operator.invite")  # htmx filter, URL pushed
    expect(page.locator(".table-audit > tbody > tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"action=operator.invite"))


def test_viewer_sees_no_settings_and_gets_403(page):
    make_operator("ada@example.com", "viewer", name="Val Viewer")
    sign_in(page)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="API keys")).to_have_count(0)
    response = page.goto("/settings/api-keys/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You don't have access to this page")
    page.console_errors.clear()  # the 403 response itself is logged by the browser
