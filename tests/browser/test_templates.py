"""Drive the template editor in Chromium: create, write, watch the live preview, publish."""
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in
from tests.console.conftest import make_operator

pytestmark = pytest.mark.browser


def test_create_a_template_and_see_its_preview(page):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    factories.category()
    factories.contact(external_id="user-1", email="ada@example.com", phone="+14155550100",
                      attributes={"first_name": "Ada"})
    sign_in(page, "grace@example.com")

    page.goto("/templates/new")
    page.get_by_label("Name").fill("Order shipped")
    expect(page.get_by_label("Key")).to_have_value("order-shipped")  # derived as you type
    page.get_by_role("button", name="Create and edit content").click()
    expect(page.locator("h1")).to_contain_text("Order shipped")

    page.locator("#sample-data").fill('{"order": "A-1001", "contact": {"first_name": "Ada"}}')
    page.locator("#f-en-push-title").fill("Your order is on its way")
    page.locator("#f-en-push-body").fill("Hi {{ contact.first_name }}, order {{ order }} shipped.")
    preview = page.locator("#preview-output")
    expect(preview).to_contain_text("Hi Ada, order A-1001 shipped.")  # htmx live preview

    page.locator("#ctab-en-sms").click()
    page.locator("#f-en-sms-text").fill("Order {{ order }} has shipped 📦")
    expect(page.locator("#sms-count-en")).to_contain_text("UCS-2")  # the emoji forces UCS-2
    page.locator("#ctab-en-email").click()
    page.locator("#f-en-email-subject").fill("Order {{ order }} shipped")
    page.locator("#f-en-email-html").fill(
        "<h1>On its way</h1><p>Hi {{ contact.first_name }}, your order <b>{{ order }}</b> "
        "left our warehouse today.</p>")
    page.locator("[data-preview-channel=email]").click()
    expect(preview).to_contain_text("left our warehouse today")

    page.locator("#f-en-email-subject").fill("Order {{ order ")  # a syntax error, shown inline
    expect(page.locator("#err-en-email-subject")).to_contain_text("unexpected end of template")
    page.locator("#f-en-email-subject").fill("Order {{ order }} shipped")
    expect(page.locator("#err-en-email-subject")).to_be_empty()
    page.locator("#ctab-en-push").click()
    page.locator("[data-preview-channel=push]").click()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "template_editor")

    page.once("dialog", lambda dialog: dialog.accept())  # "Publish this draft?"
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.locator("#flash")).to_contain_text("is live")
