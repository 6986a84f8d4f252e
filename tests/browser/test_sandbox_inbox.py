"""The sandbox inbox: messages sent through the real send path, drawn per channel."""
import re

import pytest
from playwright.sync_api import expect
from rq import SimpleWorker

import workers.jobs
from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db as _db
from app.queues import CHANNEL_QUEUES
from app.sandbox.webpush import subscription
from tests import factories
from tests.helpers.api import send
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

EMAIL_HTML = ('<div style="font-family:sans-serif;padding:24px"><p style="color:#4f46e5;'
              'font-weight:700">Acme Store</p><h1>Good news, {{ contact.first_name }}!</h1>'
              '<p>Order <b>{{ order }}</b> left our warehouse.</p></div>')


@pytest.fixture()
def sent(app, client, redis, sandbox, db):
    """One message of every channel, sent through the API and delivered by the workers."""
    make_operator("ada@example.com", "admin")
    _, key = create_api_key(_db.session, "inbox", ["send", "manage"], actor=SYSTEM)
    _db.session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    factories.category()
    ada = factories.contact(attributes={"first_name": "Ada"})
    factories.template(content={"en": {
        "push": {"title": "Your order is on its way", "body": "Order {{ order }} shipped"},
        "sms": {"text": "Acme: order {{ order }} shipped. Track it at https://acme.example.com/t"},
        "email": {"subject": "Order {{ order }} has shipped", "html": EMAIL_HTML}}})
    factories.device(ada, "android", "fcm-token-ada")
    factories.device(ada, "ios", factories.APNS_TOKEN)
    browser_sub = subscription(sandbox.tls_url, "ada-chrome")
    answer = client.post("/api/v1/contacts/user-1/devices", headers=headers,
                         json={"platform": "web", "subscription": browser_sub})
    assert answer.status_code == 201, answer.get_json()
    notifications = send(client, headers, channels=["push", "sms", "email"],
                         template="welcome", data={"order": "A-1042"})
    workers.jobs.use_app(app)
    SimpleWorker(list(CHANNEL_QUEUES), connection=redis).work(burst=True)
    workers.jobs.close()
    return notifications


def open_channel(page, channel: str):
    page.goto(f"/sandbox/?channel={channel}")
    expect(page.get_by_role("heading", name="Sandbox inbox")).to_be_visible()


def test_email_is_shown_as_in_an_inbox_with_its_exchange(page, sent):
    sign_in(page)
    open_channel(page, "email")
    expect(page.get_by_role("heading", name="Order A-1042 has shipped")).to_be_visible()
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_role("heading", name="Good news, Ada!")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"^Notification [0-9a-f]{8}"))
    email = next(n for n in sent if n["channel"] == "email")
    expect(link).to_have_attribute("href", f"/notifications/{email['id']}")
    expect(page.locator("details.exchange").first).to_contain_text('"herald_id"')
    screenshot(page, "sandbox_inbox_email")
    page.get_by_text("Headers", exact=True).click()
    expect(page.locator(".pane-headers")).to_contain_text("Subject")


def test_sms_is_a_phone_thread_with_encoding_and_segments(page, sent):
    sign_in(page)
    open_channel(page, "sms")
    bubble = page.locator(".bubble")
    expect(bubble).to_contain_text("order A-1042 shipped")
    expect(bubble).to_contain_text("GSM-7 · 1 segment")
    screenshot(page, "sandbox_inbox_sms")


def test_push_is_drawn_on_ios_and_android_lock_screens(page, sent):
    sign_in(page)
    open_channel(page, "push")
    items = page.locator(".inbox-item")
    expect(items).to_have_count(2)
    seen = set()
    for n in range(2):
        items.nth(n).click()
        card = page.locator(".push-card")
        expect(card).to_contain_text("Your order is on its way")
        platform = "ios" if page.locator(".lock-ios").count() else "android"
        seen.add(platform)
        screenshot(page, f"sandbox_inbox_push_{platform}")
    assert seen == {"ios", "android"}


def test_web_push_is_a_desktop_notification(page, sent):
    sign_in(page)
    open_channel(page, "webpush")
    expect(page.locator(".desktop-toast")).to_contain_text("Order A-1042 shipped")
    screenshot(page, "sandbox_inbox_webpush")


def test_a_failure_is_queued_from_the_form_and_a_bad_one_refused(page, sent, sandbox):
    sign_in(page)
    open_channel(page, "")
    page.get_by_label("Simulator").select_option("twilio")
    page.get_by_label("Answer with").select_option("unregistered")
    page.get_by_role("button", name="Queue the failure").click()
    expect(page.locator(".has-error")).to_contain_text("twilio cannot answer that")
    page.get_by_label("Answer with").select_option("opt_out")
    page.get_by_label("Address or token").fill("+14155550100")
    page.get_by_role("button", name="Queue the failure").click()
    expect(page.get_by_text("answers the next 1 request(s) for +14155550100")).to_be_visible()
    expect(page.locator(".inbox-faults")).to_contain_text("21610")
    page.locator(".inbox-faults").scroll_into_view_if_needed()
    screenshot(page, "sandbox_inbox_faults")
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("Nothing received yet")).to_be_visible()
