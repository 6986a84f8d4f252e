"""Bearer API keys: missing, invalid, revoked, wrong scope; last use recorded."""
import pytest

from app.core.access.api_keys import revoke_api_key
from app.core.access.audit import SYSTEM
from app.models import ApiKey
from tests.helpers.api import assert_problem
from tests.helpers.console import make_operator, sign_in


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": ""},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer "},
])
def test_missing_key_is_401_with_a_challenge(client, headers):
    response = client.get("/api/v1/contacts", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="herald"'


def test_invalid_key_is_401_invalid_token(client, auth):
    token = auth["Authorization"].removeprefix("Bearer ")
    for bad in (token[:-2], "hk_abcdefgh_nope", "not-a-key", "hk_\x00bcdefgh_nope",
                token[:4] + "\x00" + token[5:]):
        response = client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {bad}"})
        assert_problem(response, 401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_revoked_key_is_401(client, make_key, in_db):
    key_id, headers = make_key()
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200
    in_db(lambda s: (revoke_api_key(s, key_id, actor=SYSTEM), s.commit()))
    assert_problem(client.get("/api/v1/contacts", headers=headers), 401)


def test_scheme_is_case_insensitive(client, auth):
    headers = {"Authorization": auth["Authorization"].replace("Bearer", "bearer")}
    assert client.get("/api/v1/contacts", headers=headers).status_code == 200


@pytest.mark.parametrize("scopes, method, path, body", [
    (["send"], "get", "/api/v1/contacts", None),
    (["send"], "put", "/api/v1/contacts/user-9", {}),
    (["send"], "put", "/api/v1/categories/orders", {"name": "Orders"}),
    (["manage"], "post", "/api/v1/notifications",
     {"recipients": ["user-1"], "category": "orders", "content": {"sms": {"text": "x"}}}),
])
def test_missing_scope_is_403_and_writes_nothing(client, make_key, counts, scopes, method,
                                                 path, body):
    _, headers = make_key(scopes)
    before = counts()
    response = getattr(client, method)(path, json=body, headers=headers)
    problem = assert_problem(response, 403)
    assert "scope" in problem["detail"]
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert counts() == before


def test_reading_notifications_takes_either_scope(client, make_key):
    for scopes in (["send"], ["manage"]):
        _, headers = make_key(scopes, name=scopes[0])
        assert client.get("/api/v1/notifications", headers=headers).status_code == 200


def test_use_is_recorded(client, make_key, in_db):
    key_id, headers = make_key()
    assert in_db(lambda s: s.get(ApiKey, key_id).last_used_at) is None
    client.get("/api/v1/contacts", headers=headers)
    assert in_db(lambda s: s.get(ApiKey, key_id).last_used_at) is not None


def test_health_and_docs_need_no_key(client):
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


def test_api_requests_neither_read_nor_set_the_session_cookie(app, client, auth, ada):
    with app.app_context():
        make_operator("op@example.com", "admin")
    assert sign_in(client, "op@example.com").status_code == 302  # a signed-in browser
    assert client.get_cookie(app.config["SESSION_COOKIE_NAME"]) is not None
    sms = {"recipients": ["user-1"], "category": "orders", "content": {"sms": {"text": "x"}}}
    responses = [client.get("/api/v1/contacts", headers=auth),
                 client.post("/api/v1/notifications", json=sms, headers=auth),
                 client.get("/api/v1/nope", headers=auth),
                 client.get("/api/v1/contacts")]  # the console's cookie is no API credential
    assert [r.status_code for r in responses] == [200, 202, 404, 401]
    for response in responses:
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/dashboard").status_code == 200  # the console session is intact
