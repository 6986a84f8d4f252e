"""The preferences page: signed links only, switches saved as the recipient's, audited."""
import re

from sqlalchemy import select

from app.core.contacts.preferences import effective_preferences
from app.core.recipients.links import preferences_token, unsubscribe_token
from app.models import AuditLog, Preference
from tests import factories


def switches_on(html: str) -> list[str]:
    """The values of the switches a page shows on (checked), in page order."""
    return re.findall(r'value="([^"]+)"\s+checked', html)


def test_page_shows_categories_by_channels_with_critical_always_on(client, page_path):
    response = client.get(page_path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your notification preferences" in html and '<html lang="en">' in html
    # Ada has an email address and a phone, no device: two switches per category.
    assert switches_on(html) == ["deals:sms", "deals:email", "news:sms", "news:email",
                                 "orders:sms", "orders:email", "security:sms",
                                 "security:email"]
    assert html.count("disabled>") == 2  # security is critical: on, not switchable
    assert "Unsubscribe from all marketing" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_forged_and_altered_tokens_are_404(client, config, ada, page_path):
    good = preferences_token(config, ada.id)
    altered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    other_contact = preferences_token(config, ada.id)[:-1]
    wrong_purpose = unsubscribe_token(config, ada.id, "news")
    for token in (altered, other_contact, wrong_purpose, "eyJjIjoxfQ.forged", "x"):
        response = client.get(f"/p/{token}")
        assert response.status_code == 404, token
        assert "This link does not work" in response.get_data(as_text=True)
        assert client.post(f"/p/{token}", data={"on": []}).status_code == 404
    assert client.get(page_path).status_code == 200


def test_token_of_a_contact_since_erased_is_404(client, config, db):
    assert client.get(f"/p/{preferences_token(config, 4242)}").status_code == 404


def test_token_signed_with_a_previous_key_still_opens(client, config, ada, monkeypatch):
    token = preferences_token(config, ada.id)
    monkeypatch.setattr(config, "SECRET_KEY_PREVIOUS", [config.SECRET_KEY])
    monkeypatch.setattr(config, "SECRET_KEY", "rotated-key")
    assert client.get(f"/p/{token}").status_code == 200


def test_switches_saved_with_source_recipient_and_audited(client, db, ada, page_path):
    on = ["orders:email", "orders:sms", "news:sms", "deals:email", "deals:sms"]
    response = client.post(page_path, data={"on": on, "action": "save"})
    assert response.status_code == 303 and "done=saved" in response.headers["Location"]
    assert effective_preferences(db.session, ada.id)["news"] == {
        "email": False, "sms": True, "push": True}
    rows = db.session.execute(select(Preference.channel, Preference.opted_in,
                                     Preference.source)).all()
    assert rows == [("email", False, "recipient")]  # only what changed is written
    entry = db.session.scalar(select(AuditLog))
    assert (entry.actor_kind, entry.actor, entry.action) == (
        "recipient", "recipient", "contact.preferences")
    assert (entry.entity_id, entry.before, entry.after) == (
        str(ada.id), {"news.email": True}, {"news.email": False})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your preferences are saved." in page and "news:email" not in switches_on(page)


def test_critical_switch_cannot_be_turned_off(client, db, ada, page_path):
    client.post(page_path, data={"on": ["orders:email", "orders:sms", "news:email",
                                        "news:sms", "deals:email", "deals:sms"]})
    assert db.session.scalar(select(Preference)) is None
    assert effective_preferences(db.session, ada.id)["security"]["email"] is True


def test_unsubscribe_from_all_marketing(client, db, ada, page_path):
    response = client.post(page_path, data={"action": "leave_marketing"})
    assert response.status_code == 303
    prefs = effective_preferences(db.session, ada.id)
    assert prefs["news"] == prefs["deals"] == {"push": False, "sms": False, "email": False}
    assert prefs["orders"] == {"push": True, "sms": True, "email": True}
    assert db.session.scalar(select(AuditLog.actor_kind)) == "recipient"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are unsubscribed from all marketing." in page


def test_channels_shown_are_the_contacts(client, config, db):
    factories.category("orders")
    contact = factories.contact(email=None, phone=None)
    factories.device(contact, platform="ios", token="a" * 64)
    html = client.get(f"/p/{preferences_token(config, contact.id)}").get_data(as_text=True)
    assert switches_on(html) == ["orders:push"]


def test_page_in_the_contacts_language(client, config, db):
    factories.category("news", marketing=True)
    for locale, words in (("es", ("Tus preferencias de notificación", "Correo electrónico",
                                  "Darse de baja de todo el marketing")),
                          ("fr-CA", ("Vos préférences de notification", "E-mail",
                                     "Se désabonner de tout le marketing")),
                          ("de", ("Your notification preferences",))):
        contact = factories.contact(external_id=f"c-{locale}", locale=locale)
        html = client.get(f"/p/{preferences_token(config, contact.id)}").get_data(as_text=True)
        assert f'<html lang="{locale[:2] if locale != "de" else "en"}">' in html
        assert all(word in html for word in words), (locale, html)


def test_form_without_its_csrf_token_is_refused(csrf_client, db, ada, page_path):
    refused = csrf_client.post(page_path, data={"action": "leave_marketing"})
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Preference)) is None
    html = csrf_client.get(page_path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    accepted = csrf_client.post(page_path, data={"action": "leave_marketing",
                                                 "csrf_token": token})
    assert accepted.status_code == 303
    assert db.session.scalar(select(Preference.source)) == "recipient"
