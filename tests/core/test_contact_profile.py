"""Contact search and one contact's profile: terms, filters, preferences, suppressions."""
import pytest
from sqlalchemy import select

from app.core.access.audit import SYSTEM
from app.core.contacts import profile
from app.core.contacts.search import ContactQuery, SearchInvalid, active_platforms, search
from app.errors import NotFound, ValidationFailed
from app.models import AuditLog, Preference, Suppression
from tests import factories


@pytest.fixture()
def ada(db):
    return factories.contact("user-ada", "Ada.Lovelace@example.com", "+14155550100",
                             locale="en-GB", tags=["vip"], attributes={"plan": "pro", "age": 36})


def ids(db, query: ContactQuery) -> list[str]:
    return [c.external_id for c in db.session.scalars(search(db.session, query))]


@pytest.mark.parametrize("q", ["ada.love", "ADA.LOVELACE@EXAMPLE.COM", "user-", "+1 (415) 555",
                               "14155550100", "attr:plan=pro", "attr: age = 36"])
def test_terms_that_find_ada(db, ada, q):
    assert ids(db, ContactQuery(q=q)) == ["user-ada"]


@pytest.mark.parametrize("q", ["lovelace", "example.com", "+1416", "attr:plan=team",
                               "attr:age=35", "us%", "user_ada"])
def test_terms_that_do_not(db, ada, q):
    assert ids(db, ContactQuery(q=q)) == []


@pytest.mark.parametrize(("query", "field"), [
    (ContactQuery(q="attr:plan"), "q"),
    (ContactQuery(q="attr:=pro"), "q"),
    (ContactQuery(q='attr:pl"an=pro'), "q"),
    (ContactQuery(tag="two words"), "tag"),
    (ContactQuery(tag="vip", locale="not a locale"), "locale"),
    (ContactQuery(has=("fax",)), "has"),
    (ContactQuery(platform="pager"), "platform"),
])
def test_bad_queries_name_their_field(db, query, field):
    with pytest.raises(SearchInvalid) as caught:
        search(db.session, query)
    assert [e["field"] for e in caught.value.errors] == [field]


def test_active_platforms_in_one_query(db, ada):
    factories.device(ada, "ios", token=factories.APNS_TOKEN)
    factories.device(ada, "android", token="fcm-token-old-1234567890abcdef12345", active=False)
    assert active_platforms(db.session, [ada.id, 999]) == {ada.id: ["ios"]}


def test_change_preferences_writes_only_what_differs(db, ada):
    factories.category("orders")
    factories.category("marketing", default_opt_in=False)
    before, after = profile.change_preferences(db.session, ada.id, {
        "orders": {"push": True, "sms": False}, "marketing": {"email": False, "sms": True}},
        actor=SYSTEM)
    assert before == {"orders.sms": True, "marketing.sms": False}
    assert after == {"orders.sms": False, "marketing.sms": True}
    rows = {(p.category.key, p.channel, p.opted_in, p.source)
            for p in db.session.scalars(select(Preference))}
    assert rows == {("orders", "sms", False, "console"), ("marketing", "sms", True, "console")}
    matrix = dict((c.key, cells) for c, cells in profile.preference_matrix(db.session, ada.id))
    assert matrix["orders"]["sms"].explicit and not matrix["orders"]["push"].explicit
    assert matrix["marketing"]["email"].opted_in is False
    [entry] = db.session.scalars(select(AuditLog))
    assert (entry.action, entry.actor_kind, entry.entity_id) == (
        "contact.preferences", "system", str(ada.id))
    assert (entry.before, entry.after) == (before, after)


def test_unknown_preferences_write_nothing(db, ada):
    factories.category("orders")
    with pytest.raises(ValidationFailed) as caught:
        profile.change_preferences(db.session, ada.id, {
            "orders": {"sms": False}, "ghost": {"sms": True}}, actor=SYSTEM)
    assert caught.value.errors[0]["field"] == "/categories/ghost"
    assert db.session.scalars(select(Preference)).all() == []


def test_suppressions_of_the_contact_and_lifting_one(db, ada):
    email = factories.suppression("email", "Ada.Lovelace@example.com", "complaint")
    sms = factories.suppression("sms", "+14155550100", "stop")
    other = factories.suppression("sms", "+14155550199", "stop")
    assert {s.id for s in profile.suppressions_of(db.session, ada)} == {email.id, sms.id}
    with pytest.raises(NotFound):
        profile.lift_suppression(db.session, ada, other.id)
    lifted = profile.lift_suppression(db.session, ada, sms.id)
    db.session.commit()
    assert lifted.reason == "stop"
    assert set(db.session.scalars(select(Suppression.id))) == {email.id, other.id}


def test_history_transitions_for_a_page(db, ada):
    first = factories.notification(ada, history=[("queued", None), ("sent", "250 OK")])
    second = factories.notification(ada, "sms", "failed",
                                    history=[("failed", "invalid number", "21211")])
    found = profile.transitions(db.session, [first.id, second.id])
    assert [(s.status, s.detail) for s in found[first.id]] == [("queued", None),
                                                               ("sent", "250 OK")]
    assert [(s.status, s.error_code) for s in found[second.id]] == [("failed", "21211")]
    assert profile.transitions(db.session, []) == {}
