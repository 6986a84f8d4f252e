"""Categories: create or replace, read, list."""
from sqlalchemy import select

from app.models import Category
from tests.helpers.api import assert_problem

MARKETING = {
    "name": "Marketing",
    "description": "Promotions",
    "default_opt_in": False,
    "rate_limits": {"push": {"limit": 3, "per_seconds": 86400}},
    "marketing": True,
    "frequency_cap": 3,
    "frequency_action": "defer",
}


def test_put_creates_then_replaces(client, auth, in_db):
    response = client.put("/api/v1/categories/marketing", json=MARKETING, headers=auth)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "key": "marketing", "name": "Marketing", "description": "Promotions",
        "critical": False, "default_opt_in": False, "quiet_hours": True,
        "rate_limits": {"push": {"limit": 3, "per_seconds": 86400}},
        "marketing": True, "frequency_cap": 3, "frequency_window_seconds": 604800,
        "frequency_action": "defer",
    }
    response = client.put("/api/v1/categories/marketing", headers=auth,
                          json={"name": "Promotions", "critical": True})
    assert response.status_code == 200
    row = in_db(lambda s: s.scalar(select(Category)))
    assert (row.name, row.critical, row.default_opt_in, row.rate_limits) == (
        "Promotions", True, True, {})
    assert (row.marketing, row.frequency_cap, row.frequency_action) == (False, None, "suppress")


def test_a_bad_frequency_cap_is_refused_field_by_field(client, auth):
    response = client.put("/api/v1/categories/promo", headers=auth, json={
        "name": "Promo", "frequency_cap": 0, "frequency_window_seconds": 60,
        "frequency_action": "drop"})
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert fields == {"/frequency_cap", "/frequency_window_seconds", "/frequency_action"}


def test_get_and_list(client, auth):
    client.put("/api/v1/categories/orders", json={"name": "Orders"}, headers=auth)
    client.put("/api/v1/categories/alerts", json={"name": "Alerts"}, headers=auth)
    assert client.get("/api/v1/categories/orders", headers=auth).get_json()["name"] == "Orders"
    listed = client.get("/api/v1/categories", headers=auth).get_json()["data"]
    assert [c["key"] for c in listed] == ["alerts", "orders"]
    assert_problem(client.get("/api/v1/categories/nope", headers=auth), 404)


def test_list_pages_by_key_like_every_list(client, auth):
    for key in ("security", "orders", "marketing"):
        client.put(f"/api/v1/categories/{key}", json={"name": key.title()}, headers=auth)
    first = client.get("/api/v1/categories?limit=2", headers=auth)
    page = first.get_json()
    assert [c["key"] for c in page["data"]] == ["marketing", "orders"]
    link = f'</api/v1/categories?limit=2&cursor={page["next_cursor"]}>; rel="next"'
    assert first.headers["Link"] == link
    rest = client.get(f"/api/v1/categories?limit=2&cursor={page['next_cursor']}",
                      headers=auth).get_json()
    assert rest == {"data": [rest["data"][0]], "next_cursor": None}
    assert rest["data"][0]["key"] == "security"
    assert_problem(client.get("/api/v1/categories?cursor=bad", headers=auth), 422)
