"""Contacts: upsert (201/200), patch, read with devices and preferences, list, erase."""
from sqlalchemy import select

from app.json_numbers import loads_finite
from app.models import Contact, Device, Notification, NotificationStatus, Preference
from tests import factories
from tests.helpers.api import assert_problem

ADA = {
    "email": "Ada@Example.COM",
    "phone": "+1 415 555 0100",
    "locale": "en_gb",
    "timezone": "Europe/London",
    "attributes": {"first_name": "Ada", "plan": "pro"},
    "tags": ["vip", "beta", "vip"],
}


def test_put_creates_then_replaces(client, auth, in_db):
    response = client.put("/api/v1/contacts/user-1", json=ADA, headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["external_id"] == "user-1"
    assert (body["email"], body["phone"], body["locale"]) == (
        "Ada@example.com", "+14155550100", "en-GB")
    assert body["tags"] == ["vip", "beta"]
    assert body["devices"] == [] and body["preferences"] == {}

    response = client.put("/api/v1/contacts/user-1", json={"email": "ada@lovelace.org"},
                          headers=auth)
    assert response.status_code == 200
    stored = in_db(lambda s: s.scalar(select(Contact)))
    assert (stored.email, stored.phone, stored.attributes, stored.tags) == (
        "ada@lovelace.org", None, {}, [])
    assert in_db(lambda s: len(s.scalars(select(Contact)).all())) == 1


def test_patch_changes_only_the_named_fields(client, auth, in_db):
    client.put("/api/v1/contacts/user-1", json=ADA, headers=auth)
    response = client.patch("/api/v1/contacts/user-1", headers=auth,
                            json={"timezone": "Europe/Paris",
                                  "attributes": {"plan": None, "city": "Paris"}})
    assert response.status_code == 200, response.get_json()
    stored = in_db(lambda s: s.scalar(select(Contact)))
    assert stored.timezone == "Europe/Paris" and stored.email == "Ada@example.com"
    assert stored.attributes == {"first_name": "Ada", "city": "Paris"}
    assert_problem(client.patch("/api/v1/contacts/nobody", json={}, headers=auth), 404)


def test_patch_with_null_attributes_or_tags_clears_them(client, auth, in_db):
    client.put("/api/v1/contacts/user-1", json=ADA, headers=auth)
    response = client.patch("/api/v1/contacts/user-1", headers=auth,
                            json={"attributes": None, "tags": None})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["attributes"], response.get_json()["tags"]) == ({}, [])
    stored = in_db(lambda s: s.scalar(select(Contact)))
    assert (stored.attributes, stored.tags, stored.email) == ({}, [], "Ada@example.com")


def test_get_shows_devices_and_effective_preferences(client, auth, seed):
    seed(factories.category, "orders")
    seed(factories.category, "marketing", default_opt_in=False)
    contact_id = seed(factories.contact)
    client.put("/api/v1/contacts/user-1/preferences", headers=auth,
               json={"categories": {"orders": {"sms": False}}})
    client.post("/api/v1/contacts/user-1/devices", headers=auth,
                json={"platform": "ios", "token": "AB" * 32})
    body = client.get("/api/v1/contacts/user-1", headers=auth).get_json()
    assert [d["platform"] for d in body["devices"]] == ["ios"]
    assert body["devices"][0]["token"] == "ab" * 32 and body["devices"][0]["provider"] == "apns"
    assert body["preferences"] == {
        "marketing": {"push": False, "sms": False, "email": False},
        "orders": {"push": True, "sms": False, "email": True},
    }
    assert contact_id


def test_get_unknown_contact_is_404(client, auth):
    problem = assert_problem(client.get("/api/v1/contacts/ghost", headers=auth), 404)
    assert "ghost" in problem["detail"]


def test_erase_keeps_anonymised_notifications(client, auth, seed, in_db):
    seed(factories.category, "orders")
    seed(factories.contact)
    seed(factories.contact, "user-2", email="bob@example.com", phone="+14155550101")
    client.post("/api/v1/contacts/user-1/devices", headers=auth,
                json={"platform": "android", "token": "f" * 40})
    client.put("/api/v1/contacts/user-1/preferences", headers=auth,
               json={"categories": {"orders": {"push": True}}})
    response = client.post("/api/v1/notifications", headers=auth, json={
        "recipients": ["user-1", "user-2"], "category": "orders",
        "content": {"sms": {"text": "Hi"}, "email": {"subject": "Hi", "text": "Hello"}},
    })
    assert response.status_code == 202, response.get_json()

    assert client.delete("/api/v1/contacts/user-1", headers=auth).status_code == 204
    assert_problem(client.get("/api/v1/contacts/user-1", headers=auth), 404)
    assert_problem(client.delete("/api/v1/contacts/user-1", headers=auth), 404)

    rows = in_db(lambda s: s.execute(select(
        Notification.contact_id, Notification.address, Notification.content,
        Notification.channel)).all())
    erased = [r for r in rows if r.contact_id is None]
    kept = [r for r in rows if r.contact_id is not None]
    # user-1: sms, email, and push (no push content: suppressed, but it had the token)
    assert len(erased) == 3 and len(kept) == 2
    assert all(r.address is None and r.content is None for r in erased)
    assert all(r.address and r.content for r in kept)
    assert in_db(lambda s: s.scalar(select(Device))) is None
    assert in_db(lambda s: s.scalar(select(Preference))) is None
    assert len(in_db(lambda s: s.scalars(select(NotificationStatus)).all())) == 5
    assert client.get("/api/v1/contacts/user-2", headers=auth).status_code == 200


def test_list_pages_with_a_cursor_and_filters(client, auth):
    for i in range(5):
        client.put(f"/api/v1/contacts/u{i}", headers=auth,
                   json={"email": f"u{i}@example.com", "tags": ["even" if i % 2 == 0 else "odd"]})
    first = client.get("/api/v1/contacts?limit=2", headers=auth)
    page = first.get_json()
    assert [c["external_id"] for c in page["data"]] == ["u0", "u1"]
    assert 'rel="next"' in first.headers["Link"]
    seen = [c["external_id"] for c in page["data"]]
    while page["next_cursor"]:
        page = client.get(f"/api/v1/contacts?limit=2&cursor={page['next_cursor']}",
                          headers=auth).get_json()
        seen += [c["external_id"] for c in page["data"]]
    assert seen == ["u0", "u1", "u2", "u3", "u4"]

    evens = client.get("/api/v1/contacts?tag=even", headers=auth).get_json()
    assert [c["external_id"] for c in evens["data"]] == ["u0", "u2", "u4"]
    by_email = client.get("/api/v1/contacts?email=U3@example.com", headers=auth).get_json()
    assert [c["external_id"] for c in by_email["data"]] == []
    by_email = client.get("/api/v1/contacts?email=u3@EXAMPLE.com", headers=auth).get_json()
    assert [c["external_id"] for c in by_email["data"]] == ["u3"]


def test_batch_upsert(client, auth, in_db):
    client.put("/api/v1/contacts/a", json={"email": "a@example.com"}, headers=auth)
    response = client.post("/api/v1/contacts:batch", headers=auth, json={"contacts": [
        {"external_id": "a", "phone": "+33612345678"},
        {"external_id": "b", "email": "b@example.com", "tags": ["x"]},
    ]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": ["b"], "updated": ["a"]}
    rows = in_db(lambda s: {c.external_id: (c.email, c.phone) for c in s.scalars(select(Contact))})
    assert rows == {"a": (None, "+33612345678"), "b": ("b@example.com", None)}


def test_a_stored_non_finite_number_reads_as_null(client, auth, seed):
    seed(factories.contact_holding_non_finite, "user-nan", plan="pro")
    one = client.get("/api/v1/contacts/user-nan", headers=auth)
    assert one.status_code == 200
    assert loads_finite(one.get_data())["attributes"] == {"plan": "pro", "score": None}
    listed = client.get("/api/v1/contacts", headers=auth)
    assert listed.status_code == 200
    assert loads_finite(listed.get_data())["data"][0]["attributes"]["score"] is None
    patched = client.patch("/api/v1/contacts/user-nan", headers=auth,
                           json={"attributes": {"plan": "team"}})
    assert patched.status_code == 200
    assert patched.get_json()["attributes"] == {"plan": "team"}  # the unreadable value goes
