"""Drive Contacts in Chromium: search the list, open a contact, toggle a preference."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Preference
from app.models.types import utcnow
from tests import factories
from tests.helpers.browser import screenshot, sign_in
from tests.helpers.console import make_operator

pytestmark = pytest.mark.browser

PEOPLE = [
    ("Amelia", "Hart", "+14155550142", "en-US", "America/Los_Angeles"),
    ("Bruno", "Carvalho", "+5511987654321", "pt-BR", "America/Sao_Paulo"),
    ("Chloé", "Martin", "+33612345678", "fr-FR", "Europe/Paris"),
    ("Daniel", "Okafor", "+447700900123", "en-GB", "Europe/London"),
    ("Elif", "Yılmaz", "+905321234567", "tr-TR", "Europe/Istanbul"),
    ("Felix", "Wagner", "+4915112345678", "de-DE", "Europe/Berlin"),
    ("Grace", "Kim", "+821012345678", "ko-KR", "Asia/Seoul"),
    ("Hana", "Sato", "+819012345678", "ja-JP", "Asia/Tokyo"),
    ("Isabel", "García", "+34612345678", "es-ES", "Europe/Madrid"),
    ("Jonas", "Berg", "+46701234567", "sv-SE", "Europe/Stockholm"),
    ("Kiara", "Patel", "+919812345678", "en-IN", "Asia/Kolkata"),
    ("Liam", "Murphy", "+353851234567", "en-IE", "Europe/Dublin"),
    ("Maya", "Cohen", "+972501234567", "he-IL", "Asia/Jerusalem"),
    ("Noah", "Schmidt", "+41781234567", "de-CH", "Europe/Zurich"),
    ("Olivia", "Brown", "+61412345678", "en-AU", "Australia/Sydney"),
    ("Pablo", "Romero", "+5215512345678", "es-MX", "America/Mexico_City"),
    ("Quinn", "Taylor", "+16475550123", "en-CA", "America/Toronto"),
    ("Rosa", "Bianchi", "+393123456789", "it-IT", "Europe/Rome"),
    ("Samir", "Haddad", "+971501234567", "ar-AE", "Asia/Dubai"),
    ("Tess", "van Dijk", "+31612345678", "nl-NL", "Europe/Amsterdam"),
    ("Uma", "Nair", "+6591234567", "en-SG", "Asia/Singapore"),
    ("Victor", "Dubois", "+32470123456", "fr-BE", "Europe/Brussels"),
    ("Wei", "Zhang", "+8613812345678", "zh-CN", "Asia/Shanghai"),
    ("Ximena", "Rojas", "+56912345678", "es-CL", "America/Santiago"),
    ("Yusuf", "Demir", "+905331234567", "tr-TR", "Europe/Istanbul"),
    ("Zoe", "Clarke", "+447700900456", "en-GB", "Europe/London"),
    ("Aiden", "Walsh", None, "en-US", "America/New_York"),
    ("Beatriz", "Sousa", "+351912345678", "pt-PT", "Europe/Lisbon"),
    ("Caleb", "Jones", "+12125550187", "en-US", "America/New_York"),
    ("Daria", "Novak", "+420601234567", "cs-CZ", "Europe/Prague"),
]
PLANS = ["free", "pro", "team", "pro", "enterprise", "free"]
TAGS = [["vip"], ["beta", "newsletter"], [], ["newsletter"], ["vip", "beta"], []]


def _ascii(text: str) -> str:
    return text.lower().translate(str.maketrans("éıíá ", "eiia-"))


def seed_contacts():
    """Thirty contacts with devices, preferences, a suppression and delivery history."""
    now = utcnow()
    factories.category("security", critical=True, description="Sign-in codes and alerts")
    orders = factories.category("orders", description="Receipts and shipping updates")
    marketing = factories.category("marketing", default_opt_in=False)
    contacts = []
    for n, (first, last, phone, locale, tz) in enumerate(PEOPLE):
        contact = factories.contact(
            f"cus_{4812 + n * 37}", f"{_ascii(first)}.{_ascii(last)}@example.com", phone,
            locale=locale, timezone=tz, tags=TAGS[n % 6],
            attributes={"first_name": first, "last_name": last, "plan": PLANS[n % 6],
                        "lifetime_value": 120 + n * 53, "signup_date": f"2025-{1 + n % 12:02d}-14"},
            created_at=now - timedelta(days=300 - n * 9),
            last_seen_at=now - timedelta(hours=n * 5 + 1))
        if n % 3 != 2:
            factories.device(contact, "ios" if n % 2 else "android",
                             token=f"{n:02x}" * 32 if n % 2 else f"fcm_{n}:APA91b{'Xk3q' * 24}",
                             created_at=now - timedelta(days=200 - n * 5),
                             last_seen_at=now - timedelta(hours=n + 2))
        contacts.append(contact)
    amelia = contacts[0]
    factories.device(amelia, "web", token="https://push.example.net/wpush/v2/gAAAAABm7",
                     active=False, deactivated_reason="expired",
                     created_at=now - timedelta(days=190), deactivated_at=now - timedelta(days=40),
                     last_seen_at=now - timedelta(days=40))
    db.session.add_all([
        Preference(contact_id=amelia.id, category_id=marketing.id, channel="email",
                   opted_in=True, source="preference_page"),
        Preference(contact_id=amelia.id, category_id=orders.id, channel="sms",
                   opted_in=False, source="api"),
    ])
    db.session.commit()
    factories.suppression("email", amelia.email, "hard_bounce",
                          detail="550 5.1.1 The email account does not exist",
                          created_at=now - timedelta(days=3))
    seed_history(amelia, now)
    return contacts


def seed_history(contact, now):
    """Five notifications, oldest first, each with its status transitions."""
    sends = [
        ("push", "security", "delivered", "apns", None,
         [("queued", None), ("sent", "HTTP 200"), ("delivered", None)]),
        ("email", "marketing", "suppressed", None, None, [("suppressed", "opted out")]),
        ("sms", "orders", "delivered", "twilio", None,
         [("queued", None), ("sending", None), ("retrying", "HTTP 429 Too Many Requests; "
                                                            "retry after 2 s", "429"),
          ("sending", None), ("sent", "SM5f1e… queued by Twilio"),
          ("delivered", "status callback: delivered")]),
        ("email", "security", "failed", "sendgrid", "550",
         [("queued", None), ("sending", None),
          ("failed", "550 5.1.1 The email account that you tried to reach does not exist",
           "550")]),
        ("push", "orders", "delivered", "apns", None,
         [("queued", None), ("sending", None), ("sent", "apns-id 8F3C…, HTTP 200"),
          ("delivered", "receipt: delivered to device")]),
    ]
    for n, (channel, category, status, provider, code, history) in enumerate(sends):
        factories.notification(
            contact, channel, status, category=category, provider=provider,
            address=contact.email if channel == "email" else contact.phone,
            provider_message_id=f"{provider}-{9000 + n}" if provider else None,
            error_code=code, attempts=2 if channel == "sms" else 1,
            reason="opted_out" if status == "suppressed" else None,
            created_at=now - timedelta(hours=26 * (len(sends) - n)), history=history)


def test_search_open_a_contact_and_toggle_a_preference(page):
    make_operator("grace@example.com", "editor", name="Grace Hopper")
    sign_in(page, "grace@example.com")
    page.goto("/contacts/")
    expect(page.get_by_text("No contacts yet")).to_be_visible()
    expect(page.locator("#contact-results").get_by_role("link", name="Import CSV")).to_be_visible()
    contacts = seed_contacts()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    expect(page.locator(".contact-table > tbody > tr")).to_have_count(30)
    expect(page.get_by_role("link", name="Import CSV")).to_have_attribute(
        "href", "/contacts/import/new")
    screenshot(page, "contacts")

    page.get_by_label("Search").fill("amelia")  # htmx, debounced; the URL follows
    expect(page.locator(".contact-table > tbody > tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=amelia"))
    page.get_by_label("Search").fill("attr:plan=pro")
    expect(page.locator(".contact-table > tbody > tr")).to_have_count(10)
    page.get_by_label("Search").fill("+44 7700")
    expect(page.locator(".contact-table > tbody > tr")).to_have_count(2)
    page.get_by_label("Search").fill("")
    page.get_by_label("Active device").select_option("ios")
    expect(page.locator(".contact-table > tbody > tr")).to_have_count(10)
    page.get_by_label("Active device").select_option("")
    page.get_by_label("Search").fill("nobody-here")
    expect(page.get_by_text("No contacts match")).to_be_visible()
    page.get_by_label("Search").fill("attr:plan")  # 422: the message replaces the results
    expect(page.locator(".contact-errors")).to_contain_text("attr:name=value")
    page.get_by_label("Search").fill("amelia.hart@")
    page.get_by_role("link", name="amelia.hart@example.com").click()

    expect(page.locator("h1")).to_have_text("amelia.hart@example.com")
    expect(page.locator(".contact-devices > tbody > tr")).to_have_count(2)
    expect(page.locator("#contact-suppressions")).to_contain_text("hard bounce")
    history = page.locator(".history-item")
    expect(history).to_have_count(5)
    history.nth(2).locator("summary").click()
    expect(history.nth(2).locator(".history-steps tbody tr")).to_have_count(6)
    expect(history.nth(2)).to_contain_text("HTTP 429 Too Many Requests")

    page.get_by_label("Marketing by Push").check()  # htmx: the matrix saves on change
    expect(page.locator("#flash")).to_contain_text("Preferences saved: 1 change")
    expect(page.get_by_label("Marketing by Push")).to_be_checked()
    history.nth(1).locator("summary").click()
    page.set_viewport_size({"width": 1280, "height": 2100})  # the whole page in one shot
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "contact")

    stored = db.session.scalar(select(Preference.opted_in).where(
        Preference.contact_id == contacts[0].id, Preference.channel == "push"))
    assert stored is True
    assert db.session.scalar(select(AuditLog.action)) == "contact.preferences"
