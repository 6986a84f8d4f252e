"""Settings → Data in Chromium: an admin reads the log's partitions and changes retention."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser


def test_admin_changes_how_long_history_is_kept(page, db):
    make_operator("ada@example.com", "admin", name="Ada Lovelace")
    factories.notification(factories.contact(), history=[("queued", None)])
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data").click()
    expect(page.locator("h1")).to_have_text("Data")
    expect(page.get_by_role("row", name="Notifications notifications")).to_be_visible()
    screenshot(page, "data")
    days = page.get_by_label("Days to keep status history")
    days.fill("14")
    page.locator("#table-history").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Status history: kept 14 days")
    expect(page.get_by_label("Days to keep status history")).to_have_value("14")
