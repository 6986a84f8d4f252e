"""A recipient's preferences page on a phone: switches per category and channel, saved."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.recipients.links import preferences_url, unsubscribe_url
from app.models import Preference
from tests import factories
from tests.helpers.browser import animations_done, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def ada(db):
    factories.category("orders", description="Receipts, shipping and delivery updates.")
    factories.category("news", marketing=True,
                       description="New arrivals and offers, about once a week.")
    factories.category("security", critical=True,
                       description="Sign-in alerts and password changes.")
    contact = factories.contact()
    factories.device(contact, "ios", factories.APNS_TOKEN)
    return contact


def open_page(page, config, contact) -> None:
    page.set_viewport_size(PHONE)
    page.goto(preferences_url(config, contact.id).removeprefix(config.BASE_URL))


def test_recipient_switches_off_marketing_email_on_a_phone(page, db, config, ada):
    open_page(page, config, ada)
    expect(page.locator("h1")).to_have_text("Your notification preferences")
    # One column that fits the phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    security = page.get_by_role("group", name="Security")
    expect(security.get_by_role("switch", name="Email")).to_be_disabled()
    expect(security.get_by_role("switch", name="Email")).to_be_checked()
    news = page.get_by_role("group", name="News")
    news.locator("label", has_text="Email").click()
    expect(news.get_by_role("switch", name="Email")).not_to_be_checked()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_have_text("Your preferences are saved.")
    expect(page.get_by_role("group", name="News").get_by_role("switch", name="Email")) \
        .not_to_be_checked()
    assert db.session.execute(select(Preference.channel, Preference.opted_in,
                                     Preference.source)).all() == [
        ("email", False, "recipient")]
    animations_done(page)
    screenshot(page, "preferences_phone")


def test_page_in_spanish_on_a_phone(page, db, config, ada):
    ada.locale = "es-MX"
    db.session.commit()
    open_page(page, config, ada)
    expect(page.locator("h1")).to_have_text("Tus preferencias de notificación")
    page.get_by_role("button", name="Darse de baja de todo el marketing").click()
    expect(page.get_by_role("status")).to_have_text("Te has dado de baja de todo el marketing.")
    assert sorted(db.session.scalars(select(Preference.channel))) == ["email", "push", "sms"]
    animations_done(page)
    screenshot(page, "preferences_phone_es")


def test_one_click_link_opened_in_a_browser_asks_first(page, db, config, ada):
    page.set_viewport_size(PHONE)
    page.goto(unsubscribe_url(config, ada.id, "news").removeprefix(config.BASE_URL))
    expect(page.locator("h1")).to_have_text("Unsubscribe from “News” emails?")
    assert db.session.scalar(select(Preference)) is None
    screenshot(page, "unsubscribe_phone")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    assert db.session.execute(select(Preference.channel, Preference.opted_in)).all() == [
        ("email", False)]
