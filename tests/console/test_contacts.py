"""Console → Contacts: search and filters, paging, the contact page, preferences, suppressions."""
import pytest
from sqlalchemy import select

from app.models import AuditLog, Contact, Preference, Suppression
from tests import factories

HTMX = {"HX-Request": "true"}
RESULTS = {**HTMX, "HX-Target": "contact-results"}


@pytest.fixture()
def people(db):
    """Three contacts that differ in every searchable way."""
    ada = factories.contact("user-ada", "ada@example.com", "+14155550100", locale="en-GB",
                            tags=["vip", "beta"], attributes={"plan": "pro", "seats": 12})
    bob = factories.contact("crm-2001", "Bob.Stone@Example.org", "+447700900123",
                            locale="fr-FR", tags=["beta"], attributes={"plan": "free"})
    cy = factories.contact("crm-2002", None, "+33612345678", locale="fr-CA",
                           attributes={"plan": "team", "seats": 3})
    factories.device(ada, "ios", token=factories.APNS_TOKEN)
    factories.device(bob, "android", token="fcm-token-bob-1234567890abcdef1234567890",
                     active=False)
    return ada, bob, cy


def found(client, **args) -> set[str]:
    response = client.get("/contacts/", query_string=args, headers=RESULTS)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "<html" not in page
    return {x for x in ("user-ada", "crm-2001", "crm-2002") if f">{x}<" in page}


def audit(db, action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_viewer_sees_the_list_without_editor_actions(viewer_client, people):
    page = viewer_client.get("/contacts/").get_data(as_text=True)
    assert all(x in page for x in ("user-ada", "crm-2001", "crm-2002", "+447700900123"))
    assert "Import CSV" not in page
    assert "3 contacts" in page


def test_editor_gets_the_import_button(editor_client, people):
    page = editor_client.get("/contacts/").get_data(as_text=True)
    assert 'href="/contacts/import/new"' in page and "Import CSV" in page


@pytest.mark.parametrize(("q", "expected"), [
    ("ada@example.com", {"user-ada"}),  # exact email
    ("bob.stone@", {"crm-2001"}),  # email prefix, any case
    ("+44 7700", {"crm-2001"}),  # phone prefix, spaces ignored
    ("33612345678", {"crm-2002"}),  # phone without the +
    ("crm-20", {"crm-2001", "crm-2002"}),  # external id prefix
    ("user-ada", {"user-ada"}),  # exact external id
    ("attr:plan=pro", {"user-ada"}),
    ("attr:seats=3", {"crm-2002"}),  # a number typed as text still matches
    ("nobody", set()),
    ("crm_20", set()),  # LIKE wildcards are literal
])
def test_search(viewer_client, people, q, expected):
    assert found(viewer_client, q=q) == expected


@pytest.mark.parametrize(("args", "expected"), [
    ({"has": "email"}, {"user-ada", "crm-2001"}),
    ({"has": ["email", "phone"]}, {"user-ada", "crm-2001"}),
    ({"platform": "ios"}, {"user-ada"}),
    ({"platform": "android"}, set()),  # bob's device is inactive
    ({"tag": "beta"}, {"user-ada", "crm-2001"}),
    ({"locale": "fr"}, {"crm-2001", "crm-2002"}),  # a language: every region
    ({"locale": "fr_ca"}, {"crm-2002"}),  # a full locale: exactly
    ({"tag": "beta", "locale": "fr", "q": "crm"}, {"crm-2001"}),
])
def test_filters(viewer_client, people, args, expected):
    assert found(viewer_client, **args) == expected


@pytest.mark.parametrize(("q", "expected"), [
    ("attr:score=NaN", set()),  # JSON has no such number: only the text "NaN" matches
    ("attr:score=-Infinity", set()),
    ("attr:score=1e999", set()),
    ("attr:plan=team", {"crm-2002"}),
])
def test_search_survives_non_finite_numbers(viewer_client, people, q, expected):
    factories.contact_holding_non_finite("user-nan", plan="pro")
    response = viewer_client.get("/contacts/", query_string={"q": q}, headers=RESULTS)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert {x for x in ("user-ada", "crm-2001", "crm-2002", "user-nan")
            if f">{x}<" in page} == expected


def test_contact_page_survives_a_non_finite_number(viewer_client):
    row = factories.contact_holding_non_finite("user-nan", plan="pro")
    response = viewer_client.get(f"/contacts/{row.id}")
    assert response.status_code == 200
    assert '<code class="contact-attr-name">score</code>' in response.get_data(as_text=True)


def test_no_match_says_so(viewer_client, people):
    page = viewer_client.get("/contacts/?q=zzz", headers=RESULTS).get_data(as_text=True)
    assert "No contacts match" in page


def test_empty_list_points_to_import_and_api_docs(editor_client):
    page = editor_client.get("/contacts/").get_data(as_text=True)
    assert "No contacts yet" in page
    assert page.count('href="/contacts/import/new"') == 2 and 'href="/api/v1/docs"' in page


@pytest.mark.parametrize(("args", "field", "message"), [
    ({"q": "attr:plan"}, "Search", "attr:name=value"),
    ({"tag": "no spaces"}, "Tag", "use 1 to 64 letters"),
    ({"locale": "xx_yy_zz!"}, "Locale", "BCP 47"),
    ({"platform": "fax"}, "Active device", "choose a platform"),
])
def test_bad_search_is_422_with_the_field_named(viewer_client, people, args, field, message):
    response = viewer_client.get("/contacts/", query_string=args)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"<strong>{field}:</strong>" in page and message in page
    assert 'aria-invalid="true"' in page or field in ("Active device",)


def test_paging_walks_every_contact_once(db, viewer_client):
    for n in range(60):
        factories.contact(f"bulk-{n:03d}", f"bulk{n}@example.com", None, tags=["bulk"])
    seen, pages, url = [], [], "/contacts/?tag=bulk"
    while url:
        page = viewer_client.get(url).get_data(as_text=True)
        pages.append({f"bulk-{n:03d}" for n in range(60) if f">bulk-{n:03d}<" in page})
        seen += pages[-1]
        marker = 'rel="next"'
        url = None
        if marker in page:
            link = page[:page.index(marker)].rsplit('href="', 1)[1].split('"', 1)[0]
            url = link.replace("&amp;", "&")
    assert len(seen) == 60 and len(set(seen)) == 60
    assert len(pages) == 2 and "bulk-059" in pages[0] and "bulk-000" in pages[1]  # newest first
    back = viewer_client.get(f"/contacts/?tag=bulk&after={_id(db, 'bulk-009')}")
    assert ">bulk-010<" in back.get_data(as_text=True)


def _id(db, external_id):
    return db.session.scalar(select(Contact.id).where(Contact.external_id == external_id))


def test_contact_page_shows_everything(db, viewer_client, people):
    ada = people[0]
    factories.category("security", critical=True)
    orders = factories.category("orders")
    db.session.add(Preference(contact_id=ada.id, category_id=orders.id, channel="sms",
                              opted_in=False))
    db.session.commit()
    factories.suppression("sms", "+14155550100", "stop", detail="inbound STOP")
    factories.suppression("email", "someone-else@example.com")
    factories.notification(ada, "email", "failed", provider="sendgrid",
                           provider_message_id="sg-msg-42", error_code="550",
                           history=[("queued", None), ("sending", None),
                                    ("failed", "550 5.1.1 mailbox unavailable", "550")])
    page = viewer_client.get(f"/contacts/{ada.id}").get_data(as_text=True)
    for text in ("user-ada", "Europe" if ada.timezone else "en-GB", "vip",
                 "<code class=\"contact-attr-name\">plan</code>", "iOS", "aaaaaaaaaa…aaaaaa",
                 "apns", "active", "Security", "critical", "Orders",
                 "+14155550100", "stop", "inbound STOP",
                 "sg-msg-42", "550 5.1.1 mailbox unavailable", "<details"):
        assert text in page, text
    assert "someone-else@example.com" not in page
    assert page.count('class="pref-state') == 6  # 2 categories × 3 channels, read only
    assert 'name="opted_in"' not in page and "Lift" not in page
    assert page.count("badge-dot\">queued") + page.count(">queued<") >= 1


def test_unknown_contact_is_404(viewer_client):
    response = viewer_client.get("/contacts/999999")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_viewer_cannot_post(db, viewer_client, people):
    ada = people[0]
    factories.category("orders")
    supp = factories.suppression("email", "ada@example.com")
    assert viewer_client.post(f"/contacts/{ada.id}/preferences",
                              data={"cell": "orders:email"}).status_code == 403
    assert viewer_client.post(
        f"/contacts/{ada.id}/suppressions/{supp.id}/lift").status_code == 403
    assert db.session.scalars(select(Preference)).all() == []
    assert db.session.get(Suppression, supp.id) is not None


def _cells(*keys):
    return [f"{k}:{c}" for k in keys for c in ("push", "sms", "email")]


def test_editor_changes_preferences(db, editor_client, people):
    ada = people[0]
    factories.category("orders")
    factories.category("marketing", default_opt_in=False)
    page = editor_client.get(f"/contacts/{ada.id}").get_data(as_text=True)
    assert page.count('name="opted_in"') == 6 and "hx-post" in page
    # Orders by SMS turned off, marketing by email turned on.
    ticked = ["orders:push", "orders:email", "marketing:email"]
    response = editor_client.post(f"/contacts/{ada.id}/preferences", headers=HTMX,
                                  data={"cell": _cells("orders", "marketing"), "opted_in": ticked})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="contact-preferences"' in body
    assert "2 changes" in body and 'hx-swap-oob="true"' in body
    rows = {(p.category.key, p.channel): (p.opted_in, p.source)
            for p in db.session.scalars(select(Preference))}
    assert rows == {("orders", "sms"): (False, "console"),
                    ("marketing", "email"): (True, "console")}
    [entry] = audit(db, "contact.preferences")
    assert entry.entity_id == str(ada.id)
    assert entry.before == {"orders.sms": True, "marketing.email": False}
    assert entry.after == {"orders.sms": False, "marketing.email": True}
    # The same form again changes nothing and records nothing.
    again = editor_client.post(f"/contacts/{ada.id}/preferences", headers=HTMX,
                               data={"cell": _cells("orders", "marketing"), "opted_in": ticked})
    assert "No changes" in again.get_data(as_text=True)
    assert len(audit(db, "contact.preferences")) == 1


def test_bad_preferences_are_422_and_write_nothing(db, editor_client, people):
    ada = people[0]
    factories.category("orders")
    response = editor_client.post(f"/contacts/{ada.id}/preferences", headers=HTMX,
                                  data={"cell": ["orders:sms", "ghost:email", "orders:fax"]})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ghost: unknown category" in body and "orders/fax: unknown channel" in body
    assert db.session.scalars(select(Preference)).all() == []
    assert audit(db, "contact.preferences") == []
    # Without htmx, the whole page comes back with the message.
    plain = editor_client.post(f"/contacts/{ada.id}/preferences", data={"cell": "ghost:sms"})
    assert plain.status_code == 422 and "ghost: unknown category" in plain.get_data(as_text=True)
    assert "Notification history" in plain.get_data(as_text=True)


def test_editor_lifts_a_suppression(db, editor_client, people):
    ada = people[0]
    supp = factories.suppression("email", "ada@example.com", "complaint")
    other = factories.suppression("email", "bob.stone@example.org")
    page = editor_client.get(f"/contacts/{ada.id}").get_data(as_text=True)
    assert "Lift" in page
    # A suppression of someone else's address cannot be lifted from this page.
    assert editor_client.post(
        f"/contacts/{ada.id}/suppressions/{other.id}/lift").status_code == 404
    response = editor_client.post(f"/contacts/{ada.id}/suppressions/{supp.id}/lift",
                                  headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing blocked" in body
    assert "can receive email again" in body
    left = db.session.scalars(select(Suppression.id)).all()
    assert left == [other.id]
    [entry] = audit(db, "contact.lift_suppression")
    assert entry.before["address"] == "ada@example.com" and entry.before["reason"] == "complaint"


def test_history_pages_newest_first(db, viewer_client, people):
    ada = people[0]
    made = [factories.notification(ada, "push", "delivered", category=f"cat-{n:02d}")
            for n in range(25)]
    first = viewer_client.get(f"/contacts/{ada.id}").get_data(as_text=True)
    assert "cat-24" in first and "cat-05" in first and "cat-04" not in first
    older = viewer_client.get(f"/contacts/{ada.id}?before={made[5].id}").get_data(as_text=True)
    assert "cat-04" in older and "cat-00" in older and "cat-05" not in older
    assert viewer_client.get(f"/contacts/{ada.id}?before=nope").status_code == 404


def test_without_javascript_a_save_redirects_to_the_page(db, editor_client, people):
    ada = people[0]
    factories.category("orders")
    response = editor_client.post(f"/contacts/{ada.id}/preferences",
                                  data={"cell": _cells("orders"), "opted_in": "orders:push"})
    assert response.status_code == 302 and response.location.endswith(f"/contacts/{ada.id}")
    page = editor_client.get(response.location).get_data(as_text=True)
    assert "Preferences saved: 2 changes." in page
    assert len(db.session.scalars(select(Preference)).all()) == 2
