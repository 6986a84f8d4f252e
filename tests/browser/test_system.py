"""Settings → System in Chromium: an admin sees the backlog and re-drives dead SMS."""
import pytest
from playwright.sync_api import expect

from app.core.ops.alerts import raise_alert
from app.queues import enqueue_ids
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import dead_sms, make_operator

pytestmark = pytest.mark.browser


def test_admin_re_drives_dead_notifications(page, db, config, redis):
    make_operator("ada@example.com", "admin", name="Ada Lovelace")
    dead_sms(db, 4)
    enqueue_ids(redis, config, {"email": [str(n) for n in range(1200)]})
    raise_alert(redis, config, "dead_notifications", {"channel": "sms", "count": 4})
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="System").click()
    expect(page.locator("h1")).to_have_text("System")
    expect(page.get_by_role("row", name="email no worker")).to_contain_text("1,200")
    screenshot(page, "system")
    page.get_by_role("button", name="Re-drive").click()
    expect(page.get_by_role("status")).to_contain_text("4 dead notifications queued again")
