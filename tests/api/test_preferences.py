"""Preferences: effective values per category × channel, set-based updates."""
from sqlalchemy import select

from app.core.contacts.preferences import is_opted_in
from app.models import Preference
from tests import factories
from tests.helpers.api import assert_problem


def test_read_shows_defaults_then_choices(client, auth, seed, in_db):
    seed(factories.category, "orders")
    seed(factories.category, "marketing", default_opt_in=False)
    contact_id = seed(factories.contact)
    everything = {"push": True, "sms": True, "email": True}
    nothing = {"push": False, "sms": False, "email": False}
    body = client.get("/api/v1/contacts/user-1/preferences", headers=auth).get_json()
    assert body == {"categories": {"marketing": nothing, "orders": everything}}

    response = client.put("/api/v1/contacts/user-1/preferences", headers=auth, json={
        "categories": {"marketing": {"email": True}, "orders": {"push": False, "sms": None}},
    })
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["categories"] == {
        "marketing": {**nothing, "email": True},
        "orders": {**everything, "push": False},
    }
    assert in_db(lambda s: is_opted_in(s, contact_id, "marketing", "email")) is True
    assert in_db(lambda s: is_opted_in(s, contact_id, "marketing", "sms")) is False

    client.put("/api/v1/contacts/user-1/preferences", headers=auth,
               json={"categories": {"orders": {"push": True}}})
    rows = in_db(lambda s: sorted(
        (p.category.key, p.channel, p.opted_in, p.source) for p in s.scalars(select(Preference))
    ))
    assert rows == [("marketing", "email", True, "api"), ("orders", "push", True, "api")]


def test_unknown_category_is_422_and_changes_nothing(client, auth, seed, counts):
    seed(factories.category, "orders")
    seed(factories.contact)
    before = counts()
    response = client.put("/api/v1/contacts/user-1/preferences", headers=auth,
                          json={"categories": {"orders": {"sms": False}, "nope": {"sms": False}}})
    problem = assert_problem(response, 422)
    assert problem["errors"] == [{"field": "/categories/nope", "message": "unknown category"}]
    assert counts() == before


def test_unknown_contact_is_404(client, auth):
    assert_problem(client.get("/api/v1/contacts/ghost/preferences", headers=auth), 404)
