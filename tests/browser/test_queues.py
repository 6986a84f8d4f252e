"""Settings → Queues in Chromium: the charts draw, the tables read right, circuits show."""
from collections import Counter
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.ops import throughput
from app.models.types import utcnow
from app.queues import enqueue_ids
from tests.helpers.browser import animations_done, screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser


def test_operator_watches_the_last_hour(page, db, config, redis):
    make_operator("ada@example.com", "viewer", name="Ada Lovelace")
    now = utcnow()
    for minutes_ago in range(60):  # a shape: more sends lately, a burst of errors
        at = now - timedelta(minutes=minutes_ago)
        errors = 40 if 20 <= minutes_ago < 30 else 2
        throughput.count(redis, Counter({
            ("sms", "twilio", "sent"): 200 - minutes_ago * 2, ("sms", "twilio", "error"): errors,
            ("sms", "vonage", "sent"): 30, ("email", "sendgrid", "sent"): 400 - minutes_ago,
            ("email", "sendgrid", "error"): 1, ("push", "fcm", "sent"): 120}), at)
    enqueue_ids(redis, config, {"email": [str(n) for n in range(1200)]})
    redis.hset("herald:circuit:vonage", "state", "half_open")
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
    expect(page.locator("h1")).to_have_text("Queues")
    # plotly.js is large: on a busy machine drawing takes a while
    expect(page.locator("#chart-sends[data-drawn]")).to_have_count(1, timeout=30_000)
    expect(page.locator("#chart-errors[data-drawn]")).to_have_count(1, timeout=30_000)
    expect(page.locator("#chart-sends .scatterlayer .trace")).to_have_count(4)
    expect(page.get_by_role("row", name="email no worker")).to_contain_text("1,200")
    channels = page.get_by_role("row", name="sms", exact=False).first
    expect(channels).to_be_visible()
    expect(page.locator("#circuits-title").locator("..").locator("..")).to_contain_text(
        "half-open")
    animations_done(page)
    screenshot(page, "queues")
