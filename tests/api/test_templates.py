"""Templates API: the console's lifecycle (draft, publish, versions, rollback) over JSON,
with its checks and render budget, audited, and nothing half-written on bad input."""
import time

import pytest
from sqlalchemy import select

from app.models import AuditLog
from tests import factories
from tests.helpers.api import assert_problem, send

URL = "/api/v1/templates"
CONTENT = {"en": {"sms": {"text": "Order {{ data.order }} shipped"},
                  "email": {"subject": "Order {{ data.order }}", "html": "<p>Shipped</p>"}}}


@pytest.fixture()
def orders(seed):
    seed(factories.category, "orders")
    seed(factories.category, "marketing")


def create(client, auth, key="order-shipped", content=CONTENT, **extra):
    body = {"key": key, "name": "Order shipped", "category": "orders", "content": content,
            **extra}
    return client.post(URL, json=body, headers=auth)


def actions(in_db) -> list[tuple[str, str, int | None]]:
    rows = in_db(lambda s: s.execute(select(AuditLog.action, AuditLog.actor_kind,
                                            AuditLog.api_key_id).order_by(AuditLog.id)).all())
    return [tuple(r) for r in rows if r[0].startswith("template.")]


def fields(response) -> list[str]:
    return [e["field"] for e in assert_problem(response, 422)["errors"]]


def test_lifecycle_create_draft_publish_send_edit_roll_back(client, auth, orders, seed,
                                                            in_db):
    seed(factories.contact, attributes={"first_name": "Ada"})
    created = create(client, auth)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["live_version"], body["draft_version"], body["live"]) == (None, 1, None)
    assert body["draft"]["content"] == CONTENT and body["draft"]["created_by"] == "tests"

    published = client.post(f"{URL}/order-shipped/publish", headers=auth)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    sent = send(client, auth, template="order-shipped", channels=["sms"],
                data={"order": "A-1"})
    assert sent[0]["status"] in ("queued", "accepted")

    edited = {"en": {"sms": {"text": "Order {{ data.order }} is on its way"}}}
    draft = client.put(f"{URL}/order-shipped/draft", headers=auth,
                       json={"default_locale": "en", "content": edited})
    assert draft.status_code == 200
    assert (draft.get_json()["version"], draft.get_json()["status"]) == (2, "draft")
    assert client.post(f"{URL}/order-shipped/publish", headers=auth).status_code == 200

    restored = client.post(f"{URL}/order-shipped/versions/1/rollback", headers=auth)
    assert restored.status_code == 201
    assert (restored.get_json()["version"], restored.get_json()["content"]) == (3, CONTENT)
    versions = client.get(f"{URL}/order-shipped/versions?limit=2", headers=auth)
    page = versions.get_json()
    assert [v["version"] for v in page["data"]] == [3, 2] and page["next_cursor"]
    assert 'rel="next"' in versions.headers["Link"]
    rest = client.get(f"{URL}/order-shipped/versions?limit=2&cursor={page['next_cursor']}",
                      headers=auth).get_json()
    assert [v["version"] for v in rest["data"]] == [1] and rest["next_cursor"] is None
    read = client.get(f"{URL}/order-shipped", headers=auth).get_json()
    assert (read["live_version"], read["draft_version"]) == (3, None)
    assert [a for a, kind, _ in actions(in_db)] == [
        "template.create", "template.publish", "template.save_draft", "template.publish",
        "template.rollback"]
    assert {kind for _, kind, key in actions(in_db)} == {"api_key"}


def test_same_content_as_live_starts_no_draft_and_patch_changes_details(client, auth, orders,
                                                                        in_db):
    create(client, auth)
    client.post(f"{URL}/order-shipped/publish", headers=auth)
    same = client.put(f"{URL}/order-shipped/draft", headers=auth, json={"content": CONTENT})
    assert same.get_json()["status"] == "published"
    patched = client.patch(f"{URL}/order-shipped", headers=auth,
                           json={"name": "Shipped!", "category": "marketing"})
    assert patched.status_code == 200
    assert (patched.get_json()["name"], patched.get_json()["category"]) == ("Shipped!",
                                                                            "marketing")
    assert patched.get_json()["description"] == ""
    assert [a for a, *_ in actions(in_db)] == ["template.create", "template.publish",
                                                "template.update"]


def test_list_filters_and_pages_oldest_first(client, auth, orders, seed):
    for key in ("a-order", "b-order", "c-promo"):
        create(client, auth, key, name=key.title(),
               category="marketing" if "promo" in key else "orders")
    first = client.get(f"{URL}?limit=1&q=order", headers=auth).get_json()
    assert [t["key"] for t in first["data"]] == ["a-order"]
    second = client.get(f"{URL}?limit=1&q=order&cursor={first['next_cursor']}",
                        headers=auth).get_json()
    assert [t["key"] for t in second["data"]] == ["b-order"] and second["next_cursor"] is None
    promos = client.get(f"{URL}?category=marketing", headers=auth).get_json()
    assert [(t["key"], t["draft_version"]) for t in promos["data"]] == [("c-promo", 1)]


def test_discard_and_conflicts(client, auth, orders):
    create(client, auth)
    assert_problem(client.delete(f"{URL}/order-shipped/draft", headers=auth), 409)
    client.post(f"{URL}/order-shipped/publish", headers=auth)
    assert_problem(client.post(f"{URL}/order-shipped/publish", headers=auth), 409)
    assert_problem(client.post(f"{URL}/order-shipped/versions/1/rollback", headers=auth), 409)
    assert_problem(client.delete(f"{URL}/order-shipped/draft", headers=auth), 404)
    client.put(f"{URL}/order-shipped/draft", headers=auth,
               json={"content": {"en": {"sms": {"text": "new"}}}})
    assert client.delete(f"{URL}/order-shipped/draft", headers=auth).status_code == 204
    assert_problem(client.get(f"{URL}/nope", headers=auth), 404)
    assert_problem(client.get(f"{URL}/order-shipped/versions/9", headers=auth), 404)


@pytest.mark.parametrize(("body", "field"), [
    ({"key": "Bad Key"}, "/key"),
    ({"category": "nope"}, "/category"),
    ({"name": ""}, "/name"),
    ({"default_locale": "fr"}, "/default_locale"),
    ({"content": {"en": {"sms": {"text": "{{ unclosed"}}}}, "/content/en/sms/text"),
    ({"content": {"en": {"email": {"text": "{{ x }}" * 70_000}}}}, "/content/en/email/text"),
    ({"content": {"en": {"email": {"text": "{% if x %}" * 200 + "{% endif %}" * 200}}}},
     "/content/en/email/text"),
    ({"content": {"en": {"email": {"html": "<p>" + "é" * 300_000 + "</p>"}}}},
     "/content/en/email/html"),
    ({"content": {"en": {"push": {"data": {"from": "x"}}}}}, "/content/en/push/data"),
    ({"content": {"en": {"fax": {"text": "x"}}}}, "/content/en/fax"),
    ({"content": {"en": {"sms": {"text": 5}}}}, "/content/en/sms/text"),
    ({"content": {"not a locale!": {"sms": {"text": "x"}}}}, "/content/not a locale!"),
    ({"content": {}}, "/content"),
    ({"owner": "me"}, "/owner"),
], ids=lambda v: str(v)[:40])
def test_hostile_create_is_a_422_naming_the_field_and_writes_nothing(client, auth, orders,
                                                                     counts, config, body,
                                                                     field):
    before = counts()
    full = {"key": "promo", "name": "Promo", "category": "orders", "content": CONTENT, **body}
    started = time.monotonic()
    response = client.post(URL, json=full, headers=auth)
    assert field in fields(response)
    assert time.monotonic() - started < config.RENDER_TIMEOUT_MS / 1000 + 2.0
    assert counts() == before


def test_bad_drafts_and_incomplete_publish_leave_the_template_as_it_was(client, auth, orders):
    create(client, auth, content={"en": {"email": {"html": "<p>No subject yet</p>"}}})
    before = client.get(f"{URL}/order-shipped", headers=auth).get_json()
    assert "/content/en/email/subject" in fields(
        client.post(f"{URL}/order-shipped/publish", headers=auth))
    assert "/content/en/sms/text" in fields(client.put(
        f"{URL}/order-shipped/draft", headers=auth,
        json={"content": {"en": {"sms": {"text": "{% for %}"}}}}))
    assert "/content" in fields(client.put(f"{URL}/order-shipped/draft", headers=auth,
                                           json={"default_locale": "en"}))
    assert "/name" in fields(client.patch(f"{URL}/order-shipped", headers=auth,
                                          json={"name": " "}))
    assert client.get(f"{URL}/order-shipped", headers=auth).get_json() == before


@pytest.mark.parametrize("path", [
    f"{URL}/BAD", f"{URL}/order-shipped/versions/0", f"{URL}/order-shipped/versions/99999999999",
    f"{URL}?limit=0", f"{URL}?cursor=nope", f"{URL}?colour=red",
])
def test_bad_parameters_are_422(client, auth, orders, path):
    create(client, auth)
    assert_problem(client.get(path, headers=auth), 422)


def test_templates_need_the_manage_scope(client, make_key, orders):
    _, send_only = make_key(("send",))
    assert_problem(client.get(URL, headers=send_only), 403)
    assert_problem(create(client, send_only), 403)
