"""Every console page an editor or a viewer reaches, in Chromium at two laptop sizes:
no console error (the `page` fixture fails on one), no page wider than the window."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Segment, Template
from tests import factories
from tests.helpers.browser import answered
from tests.helpers.console import PASSWORD, make_operator
from tests.helpers.seed import seed

pytestmark = pytest.mark.browser

NAV = ["/dashboard", "/contacts/", "/templates/", "/segments/", "/campaigns/",
       "/notifications/"]
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def pages(ids: dict) -> list[str]:
    return [*NAV, f"/contacts/{ids['contact_id']}", f"/templates/{ids['template_id']}",
            f"/templates/{ids['template_id']}/versions", f"/segments/{ids['segment_id']}",
            "/contacts/import/", f"/contacts/import/{ids['import_id']}",
            f"/notifications/{ids['notification_id']}"]


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)], ids=["1280", "1024"])
@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_every_page_fits_without_console_errors(page, role, size):
    ids = seed(make_operator("admin@example.com", "admin", name="Ada Admin"))
    make_operator(f"{role}@example.com", role, name=f"Sam {role.title()}")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/login")
    page.get_by_label("Email").fill(f"{role}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    overflowing = {}
    for url in pages(ids):
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        expect(page.locator("h1").first).not_to_be_empty()
        if (extra := page.evaluate(OVERFLOW)) > 0:
            overflowing[url] = extra
    assert overflowing == {}, f"pages wider than {size[0]}px by: {overflowing}"


HOSTILE_TYPING = ["'; DROP TABLE contacts; --", "<script>alert(1)</script>", "attr:",
                  "مرحبا \u202eevil\u202c 👩‍👩‍👧", "{{ 7*7 }", "x" * 600]


def test_hostile_typing_never_breaks_a_page(page):
    """Type hostile text where the console searches or previews as you type."""
    ids = seed(make_operator("admin@example.com", "admin", name="Ada Admin"))
    make_operator("editor@example.com", "editor", name="Sam Editor")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/login")
    page.get_by_label("Email").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    dialogs = []  # an injected script's alert() would open one
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    template = f"/templates/{ids['template_id']}"
    for url, field in (("/contacts/", "#contact-q"), ("/templates/", "#tpl-q"),
                       ("/notifications/", "#log-q"), (template, "#sample-data"),
                       (template, "textarea[name='en.push.body']")):
        page.goto(url, wait_until="networkidle")
        for text in HOSTILE_TYPING:
            answered(page, page.locator(field).fill, text)  # after the typing delay
            assert page.evaluate(OVERFLOW) <= 0, (url, text[:20])
        expect(page.locator("h1").first).not_to_be_empty()
    assert dialogs == []


def test_long_unbroken_names_do_not_widen_pages(page):
    """Names at their length limits, without a space to break at, stay inside the page."""
    ids = seed(make_operator("admin@example.com", "admin", name="Ada Admin"))
    make_operator("editor@example.com", "editor", name="Sam Editor")
    long_contact = factories.contact("c" * 255, email=f"{'e' * 240}@example.com",
                                     phone="+14155550199", tags=["t" * 64],
                                     attributes={"k" * 64: "v" * 500})
    template = db.session.get(Template, ids["template_id"])
    template.name, template.description = "N" * 255, "D" * 1024
    segment = db.session.get(Segment, ids["segment_id"])
    segment.name, segment.description = "S" * 255, "D" * 1024
    db.session.commit()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/login")
    page.get_by_label("Email").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    overflowing = {}
    for url in [*pages(ids), f"/contacts/{long_contact.id}"]:
        page.goto(url, wait_until="networkidle")
        if (extra := page.evaluate(OVERFLOW)) > 0:
            overflowing[url] = extra
    assert overflowing == {}
