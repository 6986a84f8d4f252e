"""Push content at the API: data keys FCM refuses are refused here; a badge alone is a push."""
import pytest
from sqlalchemy import func, select

from app.core.templates import content as checks
from app.models import Notification
from tests.helpers.api import assert_problem

RESERVED = ["from", "message_type", "notification", "collapse_key", "herald_id",
            "google.c.a.e", "google.message_id", "google", "googleplay", "gcm.n.title",
            "gcm.notification.body", "gcm"]
ALLOWED = ["order", "fromage", "type", "message", "notifications", "my.google.id", "Google",
           "deep_link_id"]


def push(client, auth, content: dict):
    return client.post("/api/v1/notifications", headers=auth, json={
        "recipients": ["user-1"], "category": "orders", "channels": ["push"],
        "content": {"push": content}})


def rows(in_db) -> int:
    return in_db(lambda s: s.scalar(select(func.count()).select_from(Notification)))


@pytest.mark.parametrize("key", RESERVED)
def test_a_reserved_data_key_is_a_field_error_naming_it(client, auth, ada, in_db, key):
    response = push(client, auth, {"title": "Hi", "data": {"order": "A-1", key: "x"}})
    assert_problem(response, 422)
    [error] = response.get_json()["errors"]
    assert error["field"] == f"/content/push/data/{key}"
    assert "reserved" in error["message"]
    assert rows(in_db) == 0


def test_other_data_keys_pass(client, auth, ada):
    response = push(client, auth, {"title": "Hi", "data": {k: "x" for k in ALLOWED}})
    assert response.status_code == 202, response.get_json()


@pytest.mark.parametrize("key", RESERVED)
def test_templates_refuse_the_same_keys(key):
    errors = checks.content_errors({"en": {"push": {"title": "t", "data": {key: "x"}}}}, "en")
    assert errors == [{"field": "/en/push/data", "message": f"{key!r} is a reserved key"}]


@pytest.mark.parametrize("badge", [0, 7])
def test_a_badge_alone_is_a_push(client, auth, ada, in_db, badge):
    client.post("/api/v1/contacts/user-1/devices", headers=auth,
                json={"platform": "android", "token": "f" * 40})
    response = push(client, auth, {"badge": badge})
    assert response.status_code == 202, response.get_json()
    assert [n["status"] for n in response.get_json()["notifications"]] == ["queued"]
    content = in_db(lambda s: s.scalar(select(Notification.content)))
    assert content == {"badge": badge}


def test_a_template_with_only_a_badge_can_be_published():
    assert checks.publish_errors({"en": {"push": {"badge": 0}}}, "en") == []
    assert checks.publish_errors({"en": {"push": {"sound": "ding"}}}, "en") == [
        {"field": "/en/push/title", "message": "a push needs a title, a body, data or a badge"}]


@pytest.mark.parametrize("key, status", [("from", 400), ("google.c.a.e", 400), ("gcm.n.x", 400),
                                         ("message_type", 400), ("order", 200)])
def test_the_fcm_simulator_refuses_reserved_keys_as_fcm_does(sandbox, key, status):
    response = sandbox.http.post(
        "/v1/projects/herald-sandbox/messages:send", headers={"Authorization": "Bearer t0ken-abc"},
        json={"validate_only": True,  # a dry run: nothing lands in the outbox
              "message": {"token": "fcm-token-ada", "data": {key: "x"}}})
    assert response.status_code == status, response.text
