"""Settings → Providers in Chromium: an admin stores a secret (shown masked), fixes a
bad value from its field message, and sends a test through one provider."""
import pytest
from playwright.sync_api import expect

from app.channels.base import SendResult, TransientError
from app.core.delivery.circuits import Breakers
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser


def test_admin_configures_twilio_and_sends_a_test(page, db, config, redis, sandbox):
    make_operator("ada@example.com", "admin", name="Ada Lovelace")
    breakers = Breakers(redis, config)
    for _ in range(config.CIRCUIT_FAILURES):  # SendGrid has been failing: its circuit opened
        breakers.record("sendgrid", [SendResult("x", error=TransientError("down", code="503"))])
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Providers").click()
    expect(page.locator("h1")).to_have_text("Providers")
    expect(page.get_by_role("row", name="sendgrid")).to_contain_text("open")
    expect(page.get_by_role("row", name="twilio")).to_contain_text("primary")
    screenshot(page, "providers")

    page.get_by_role("row", name="twilio").get_by_role("link", name="Configure").click()
    expect(page.locator("h1")).to_have_text("twilio")
    page.get_by_label("Auth token").fill("live-auth-token-7d2e")
    page.get_by_label("URL").fill("ftp://")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#TWILIO_URL-error")).to_be_visible()  # re-rendered with the message
    page.get_by_label("URL").fill(config.TWILIO_URL)
    page.get_by_label("Auth token").fill("live-auth-token-7d2e")
    page.get_by_label("From").fill("+15005550009")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved")
    expect(page.locator("main")).to_contain_text("••••••••7d2e")
    expect(page.locator("main")).not_to_contain_text("live-auth-token-7d2e")

    page.get_by_label("Send a test to").fill("+14155550123")
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_role("status").first).to_contain_text("accepted the test message")
    screenshot(page, "provider-twilio")
    [received] = sandbox.received("twilio")
    assert received["payload"]["From"] == "+15005550009"
