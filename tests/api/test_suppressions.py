"""Suppressions API: list (filtered, paged), add and remove (both idempotent, audited);
what the API adds stops sends, what deliveries added can be lifted."""
import pytest
from sqlalchemy import select

from app.models import AuditLog, Suppression
from tests.helpers.api import assert_problem, send

URL = "/api/v1/suppressions"


def audit(in_db) -> list[str]:
    return in_db(lambda s: list(s.scalars(select(AuditLog.action).where(
        AuditLog.action.like("suppression.%")).order_by(AuditLog.id))))


def stored(in_db) -> list[tuple]:
    return in_db(lambda s: [tuple(r) for r in s.execute(select(
        Suppression.channel, Suppression.address, Suppression.reason).order_by(Suppression.id))])


def test_add_is_idempotent_normalises_and_blocks_sends(client, auth, ada, in_db):
    added = client.post(URL, headers=auth, json={"channel": "email",
                                                 "address": "Ada@EXAMPLE.com"})
    assert added.status_code == 201
    assert added.get_json()["address"] == "Ada@example.com"
    assert added.get_json()["reason"] == "manual"
    again = client.post(URL, headers=auth, json={"channel": "email", "address": "Ada@example.com",
                                                 "reason": "complaint"})
    assert again.status_code == 200 and again.get_json()["reason"] == "manual"
    phone = client.post(URL, headers=auth, json={"channel": "sms", "address": "+1 415 555 0100",
                                                 "reason": "stop"})
    assert phone.status_code == 201 and phone.get_json()["address"] == "+14155550100"
    assert stored(in_db) == [("email", "Ada@example.com", "manual"),
                             ("sms", "+14155550100", "stop")]
    assert audit(in_db) == ["suppression.add", "suppression.add"]
    [sms] = send(client, auth, template="welcome", channels=["sms"], data={"order": "1"})
    assert (sms["status"], sms["reason"]) == ("suppressed", "suppressed_address")


def test_remove_is_idempotent_and_audited_once(client, auth, ada, in_db):
    client.post(URL, headers=auth, json={"channel": "sms", "address": "+14155550100"})
    for _ in range(2):
        response = client.delete(f"{URL}/sms/+14155550100", headers=auth)
        assert response.status_code == 204
    assert stored(in_db) == []
    assert audit(in_db) == ["suppression.add", "suppression.remove"]
    [sms] = send(client, auth, template="welcome", channels=["sms"], data={"order": "1"})
    assert sms["status"] != "suppressed"


def test_list_filters_by_channel_reason_and_address_and_pages_newest_first(client, auth, seed):
    def suppress(session_rows):
        from app.extensions import db
        db.session.add_all(session_rows)
        db.session.commit()
        return session_rows[0]

    seed(suppress, [Suppression(channel="email", address=f"u{n}@example.com",
                                reason="hard_bounce" if n % 2 else "complaint")
                    for n in range(5)] + [Suppression(channel="sms", address="+14155550100",
                                                      reason="stop")])
    first = client.get(f"{URL}?channel=email&limit=2", headers=auth)
    page = first.get_json()
    assert [s["address"] for s in page["data"]] == ["u4@example.com", "u3@example.com"]
    assert 'rel="next"' in first.headers["Link"]
    rest = client.get(f"{URL}?channel=email&limit=2&cursor={page['next_cursor']}",
                      headers=auth).get_json()
    assert [s["address"] for s in rest["data"]] == ["u2@example.com", "u1@example.com"]
    bounces = client.get(f"{URL}?reason=hard_bounce", headers=auth).get_json()["data"]
    assert {s["address"] for s in bounces} == {"u1@example.com", "u3@example.com"}
    one = client.get(f"{URL}?channel=sms&address=%2B1 415 555 0100", headers=auth).get_json()
    assert [s["reason"] for s in one["data"]] == ["stop"]


@pytest.mark.parametrize(("body", "field"), [
    ({"channel": "push", "address": "x"}, "/channel"),
    ({"channel": "email", "address": "not-an-email"}, "/address"),
    ({"channel": "sms", "address": "0612345678"}, "/address"),
    ({"channel": "email", "address": "a@example.com", "reason": "because"}, "/reason"),
    ({"channel": "email", "address": "a@example.com", "detail": "x" * 513}, "/detail"),
    ({"channel": "email"}, "/address"),
    ({"channel": "email", "address": "a@example.com", "extra": 1}, "/extra"),
])
def test_bad_input_is_a_field_level_422_and_writes_nothing(client, auth, counts, body, field):
    before = counts()
    problem = assert_problem(client.post(URL, headers=auth, json=body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert counts() == before


@pytest.mark.parametrize("path", [
    f"{URL}?channel=push", f"{URL}?reason=Nope!", f"{URL}?limit=500", f"{URL}?cursor=abc",
    f"{URL}?channel=sms&address=12",
])
def test_bad_parameters_are_422(client, auth, path):
    assert_problem(client.get(path, headers=auth), 422)


def test_bad_removals_are_422_and_scope_is_manage(client, auth, make_key, ada):
    assert_problem(client.delete(f"{URL}/push/abc", headers=auth), 422)
    assert_problem(client.delete(f"{URL}/email/nope", headers=auth), 422)
    _, send_only = make_key(("send",))
    assert_problem(client.get(URL, headers=send_only), 403)
    assert_problem(client.post(URL, headers=send_only,
                               json={"channel": "email", "address": "a@example.com"}), 403)


def test_filters_repeat_and_refused_addresses_say_where_they_are(client, auth):
    for channel, address in (("email", "a@example.com"), ("sms", "+14155550100")):
        client.post(URL, headers=auth, json={"channel": channel, "address": address})
    both = client.get(f"{URL}?channel=email&channel=sms", headers=auth).get_json()["data"]
    assert [s["channel"] for s in both] == ["sms", "email"]
    problem = assert_problem(client.get(f"{URL}?channel=sms&address=12", headers=auth), 422)
    assert problem["errors"][0] | {"message": ""} == {"field": "/address", "in": "query",
                                                      "message": ""}
    problem = assert_problem(client.delete(f"{URL}/email/nope", headers=auth), 422)
    assert problem["errors"][0]["in"] == "path"
