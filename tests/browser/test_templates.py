"""Drive the template editor in Chromium: create, write, watch the live preview, publish;
and screenshot the editor's previews, the list and the versions page with real content."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.templates import store as core
from app.extensions import db
from app.models.types import utcnow
from tests import factories
from tests.helpers.browser import animations_done, screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}  # wide enough for the editor's two columns

ORDER_EMAIL = """<style>
  .wrap { font-family: -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1d2939; }
  .band { background: #4f46e5; color: #fff; padding: 22px 24px; font-size: 18px; font-weight: 700; }
  .body { padding: 24px; font-size: 15px; line-height: 1.55; }
  .box { border: 1px solid #e4e7ec; border-radius: 8px; padding: 14px 16px; margin: 18px 0; }
  .muted { color: #667085; font-size: 13px; }
  .btn { display: inline-block; background: #4f46e5; color: #fff; padding: 11px 20px;
         border-radius: 8px; text-decoration: none; font-weight: 600; }
</style>
<div class="wrap">
  <div class="band">Northwind Outfitters</div>
  <div class="body">
    <h1 style="font-size: 22px; margin: 0 0 12px">Your order is on its way</h1>
    <p>Hi {{ contact.first_name }}, good news: order <b>{{ order }}</b> left our warehouse
       today and should arrive <b>{{ eta }}</b>.</p>
    <div class="box">
      <div class="muted">Carrier</div><div>{{ carrier }} · {{ tracking_number }}</div>
    </div>
    <p><a class="btn" href="{{ tracking_url }}">Track your parcel</a></p>
    <p class="muted">Questions? Just reply to this email, we read every one.</p>
  </div>
</div>"""

ORDER_SHIPPED = {
    "en": {
        "push": {"title": "Your order is on its way",
                 "body": "Hi {{ contact.first_name }}, order {{ order }} left our warehouse "
                         "and arrives {{ eta }}.",
                 "image": "https://cdn.northwind.example/push/parcel.png",
                 "deep_link": "northwind://orders/{{ order }}", "sound": "default", "badge": 1,
                 "data": {"order_id": "{{ order }}", "screen": "tracking"}},
        "sms": {"text": "Northwind: order {{ order }} has shipped with {{ carrier }} and "
                        "arrives {{ eta }}. Track it: {{ tracking_url }}"},
        "email": {"subject": "Order {{ order }} has shipped",
                  "preheader": "Arriving {{ eta }}: track it any time.",
                  "html": ORDER_EMAIL},
    },
    "fr": {
        "push": {"title": "Votre commande est en route",
                 "body": "Bonjour {{ contact.first_name }}, la commande {{ order }} a quitté "
                         "notre entrepôt et arrive {{ eta }}."},
        "sms": {"text": "Northwind : votre commande {{ order }} est expédiée avec {{ carrier }}. "
                        "Suivi : {{ tracking_url }}"},
        "email": {"subject": "Votre commande {{ order }} est expédiée",
                  "html": "<p>Bonjour {{ contact.first_name }}, votre commande <b>{{ order }}</b>"
                          " est en route.</p>"},
    },
}

SAMPLE = """{
  "order": "NW-48213",
  "eta": "Thursday",
  "carrier": "UPS",
  "tracking_number": "1Z 999 AA1 0123 4567 84",
  "tracking_url": "https://nwind.co/t/48213",
  "contact": {"first_name": "Amelia"}
}"""

OTHERS = [
    ("password-reset", "Password reset", "security",
     "Sent when someone asks to reset their password.",
     {"en": {"sms": {"text": "Your Northwind code is {{ code }}. It expires in 10 minutes."},
             "email": {"subject": "Reset your password",
                       "html": "<p>Use code <b>{{ code }}</b> to reset your password.</p>"}},
      "fr": {"sms": {"text": "Votre code Northwind est {{ code }}. Il expire dans 10 minutes."},
             "email": {"subject": "Réinitialisez votre mot de passe",
                       "html": "<p>Code : <b>{{ code }}</b></p>"}}}),
    ("weekly-digest", "Weekly digest", "marketing",
     "Every Monday: new arrivals and the week's picks.",
     {"en": {"email": {"subject": "This week at Northwind: {{ count }} new arrivals",
                       "html": "<h1>Fresh this week</h1><p>{{ count }} new arrivals.</p>"}}}),
    ("cart-reminder", "Cart reminder", "marketing",
     "Two hours after a cart is left with items in it.",
     {"en": {"push": {"title": "Still thinking it over?",
                      "body": "Your {{ item }} is waiting in your cart."},
             "email": {"subject": "You left something behind",
                       "html": "<p>Your {{ item }} is still in your cart.</p>"}},
      "de": {"push": {"title": "Noch unentschlossen?",
                      "body": "Dein {{ item }} wartet im Warenkorb."}}}),
    ("delivery-delayed", "Delivery delayed", "orders",
     "When the carrier reports a delay.",
     {"en": {"push": {"title": "Your delivery is running late",
                      "body": "Order {{ order }} now arrives {{ eta }}. Sorry for the wait."},
             "sms": {"text": "Northwind: order {{ order }} is delayed, new ETA {{ eta }}."}}}),
]

AGES = [timedelta(days=9), timedelta(days=3), timedelta(hours=26), timedelta(hours=5)]


def _version(template, content, author, published_ago=None):
    """Save content as the draft; publish it if published_ago is given."""
    version, _ = core.save_draft(db.session, template, content, "en", author=author)
    if published_ago is not None:
        core.publish(db.session, template, version)
        version.published_at = utcnow() - published_ago
    return version


def seed_templates():
    """Five templates in three categories; "Order shipped" has two published versions
    (the second adds French) and a draft."""
    for key in ("orders", "security", "marketing"):
        factories.category(key)
    for (key, name, category, description, content), age in zip(OTHERS, AGES, strict=True):
        row = core.create_template(db.session, key, name, category, description=description,
                                   content=content, author="ada@example.com")
        if key != "weekly-digest":  # it stays an unpublished draft
            core.publish(db.session, row, core.current_draft(db.session, row)).published_at = \
                utcnow() - age
        row.updated_at = utcnow() - age
    v1 = {"en": {
        "push": {"title": "Your order has shipped",
                 "body": "Order {{ order }} is on its way."},
        "sms": {"text": "Northwind: order {{ order }} has shipped. Track it: {{ tracking_url }}"},
        "email": {"subject": "Your order has shipped", "html": "<p>Order {{ order }} shipped.</p>"},
    }}
    shipped = core.create_template(db.session, "order-shipped", "Order shipped", "orders",
                                   description="When the warehouse hands a parcel to the carrier.",
                                   content=v1, author="grace@example.com")
    first = core.publish(db.session, shipped, core.current_draft(db.session, shipped))
    first.published_at = utcnow() - timedelta(days=6)
    en = ORDER_SHIPPED["en"]
    v2 = {**ORDER_SHIPPED, "en": {
        **en,
        "push": {**en["push"], "body": "Hi {{ contact.first_name }}, order {{ order }} is on "
                                       "its way and arrives {{ eta }}."},
        "sms": {"text": "Northwind: order {{ order }} has shipped and arrives {{ eta }}. "
                        "Track it: {{ tracking_url }}"},
        "email": {**en["email"], "html": en["email"]["html"].replace(
            "Track your parcel", "Track your order").replace("Just reply", "Simply reply")},
    }}
    _version(shipped, v2, "ada@example.com", published_ago=timedelta(days=2))
    _version(shipped, ORDER_SHIPPED, "grace@example.com")
    shipped.updated_at = utcnow() - timedelta(minutes=12)
    db.session.commit()
    return shipped


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

    page.once("dialog", lambda dialog: dialog.accept())  # "Publish this draft?"
    page.get_by_role("button", name=re.compile("^Publish")).click()
    expect(page.locator("#flash")).to_contain_text("is live")


def _shot(page, name):
    """Screenshot the top of the page, the preview column scrolled to its top too."""
    page.evaluate("""() => {
        document.activeElement.blur();
        window.scrollTo(0, 0);
        document.querySelectorAll(".tpl-side").forEach((side) => { side.scrollTop = 0; });
    }""")
    animations_done(page)  # the preview's entry animation
    screenshot(page, name)


def test_editor_previews_push_sms_and_email(page):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    shipped = seed_templates()
    page.set_viewport_size(WIDE)
    sign_in(page, "grace@example.com")
    page.goto(f"/templates/{shipped.id}")

    side = page.locator(".tpl-side")
    assert side.bounding_box()["x"] > page.locator(".tpl-main").bounding_box()["x"] + 400
    page.locator("#sample-data").fill(SAMPLE)
    push = page.locator("[data-testid=push-card]")
    expect(push).to_contain_text("Hi Amelia, order NW-48213 left our warehouse and arrives "
                                 "Thursday.")
    expect(push).to_be_visible()
    expect(page.locator("#ctab-en-push")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#cpanel-en-sms")).to_be_hidden()
    _shot(page, "template_editor")

    page.locator("#ctab-en-sms").click()
    bubble = page.locator("[data-testid=sms-bubble]")
    expect(bubble).to_be_visible()
    expect(bubble).to_contain_text("order NW-48213 has shipped with UPS")
    expect(push).to_be_hidden()  # one pane at a time
    expect(page.locator(".pv-sms-summary")).to_contain_text("GSM-7")
    counter = page.locator("#sms-count-en")  # follows the sample data too
    expect(counter).to_contain_text("103 characters")
    expect(page.locator(".pv-sms-summary")).to_contain_text("103 characters")
    expect(counter.locator(".sms-count")).to_have_attribute("data-segments", "1")
    _shot(page, "template_sms")

    page.locator("#f-en-sms-text").fill(  # past 160 characters: two segments, a warning tone
        ORDER_SHIPPED["en"]["sms"]["text"]
        + " Reply STOP to stop these delivery updates, or HELP for help.")
    expect(counter.locator(".sms-count")).to_have_class(re.compile("is-multi"))
    expect(page.locator(".pv-sms-summary")).to_have_class(re.compile("is-multi"))
    expect(page.locator(".pv-sms-summary")).to_contain_text("2 segments")

    page.locator("#ctab-en-email").click()
    expect(page.locator("[data-testid=email-subject]")).to_have_text("Order NW-48213 has shipped")
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.locator("h1")).to_have_text("Your order is on its way")
    expect(page.locator("[data-testid=email-text]")).to_be_hidden()
    _shot(page, "template_email")

    page.locator("button[data-mail-view=text]").click()  # the plain-text part instead of the frame
    expect(page.locator("[data-testid=email-text]")).to_be_visible()
    expect(page.locator("iframe.mail-frame")).to_be_hidden()

    page.locator("#tab-fr").click()  # the French variant, in the editor and the preview
    expect(page.locator("#panel-fr")).to_be_visible()
    expect(page.locator("#panel-en")).to_be_hidden()
    expect(page.locator("[data-testid=email-subject]")).to_have_text(
        "Votre commande NW-48213 est expédiée")
    page.locator("[data-preview-channel=push]").click()
    expect(page.locator("[data-testid=push-card]")).to_contain_text("Bonjour Amelia")
    expect(page.locator("#preview-output .pv-meta")).to_have_count(0)  # no image, badge, data

    page.locator("#ctab-fr-push").click()
    page.locator("#f-fr-push-title").fill("Votre commande {{ order ")  # an error in French…
    expect(page.locator("#err-fr-push-title")).to_contain_text("unexpected end of template")
    page.locator("#tab-en").click()
    expect(page.locator("#tab-fr")).to_have_class(re.compile("has-error"))  # …shows on its tab
    expect(page.locator("#tab-en")).not_to_have_class(re.compile("has-error"))


def test_templates_list_and_versions(page):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    shipped = seed_templates()
    page.set_viewport_size(WIDE)
    sign_in(page, "grace@example.com")

    page.goto("/templates")
    rows = page.locator(".tpl-table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Order shipped")
    expect(page.locator(".tpl-channel.is-on")).to_have_count(10)
    _shot(page, "templates")

    page.goto(f"/templates/{shipped.id}/versions")
    expect(page.locator(".tpl-versions tbody tr")).to_have_count(3)
    diff = page.locator("#version-diff")
    expect(diff.locator(".tpl-diff").first).to_be_visible()
    expect(diff.locator("ins").first).to_be_visible()
    _shot(page, "template_versions")

    page.locator(".tpl-compare-view label", has_text="Unified").click()  # htmx re-renders
    expect(diff.locator(".tpl-diff-table.is-unified").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=unified"))
