"""API requests per key: RateLimit headers on every answer, 429 problem JSON past the limit,
one count shared by every web process (Redis), a key's own limit over the default."""
import pytest

from app.core.access.api_keys import create_api_key
from app.core.access.audit import SYSTEM
from app.extensions import db
from tests.helpers.api import assert_problem
from tests.helpers.console import app_with


@pytest.fixture()
def limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")


def key(app, rate_limit=None) -> dict:
    with app.app_context():
        _, token = create_api_key(db.session, "limited", ["send", "manage"], actor=SYSTEM,
                                  rate_limit=rate_limit)
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.usefixtures("limited")
def test_past_the_limit_the_key_gets_429_with_retry_after(client, app):
    headers = key(app)
    answers = [client.get("/api/v1/categories", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[0].headers["RateLimit-Policy"] == "3;w=60"
    assert 0 < int(answers[0].headers["RateLimit-Reset"]) <= 60

    refused = client.get("/api/v1/categories", headers=headers)
    body = assert_problem(refused, 429)
    assert "3 requests per 60 seconds" in body["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    other = key(app)  # each key has its own count
    assert client.get("/api/v1/categories", headers=other).status_code == 200


@pytest.mark.usefixtures("limited")
def test_the_count_is_shared_by_every_web_process(client, app):
    headers = key(app)
    other_process = app_with(app, API_RATE_LIMIT="3/minute").test_client()
    assert client.get("/api/v1/categories", headers=headers).status_code == 200
    assert other_process.get("/api/v1/categories", headers=headers).status_code == 200
    assert client.get("/api/v1/categories", headers=headers).status_code == 200
    assert other_process.get("/api/v1/categories", headers=headers).status_code == 429


@pytest.mark.usefixtures("limited")
def test_a_key_of_its_own_limit_is_not_held_to_the_default(client, app):
    headers = key(app, rate_limit="5/second")
    answers = [client.get("/api/v1/categories", headers=headers) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].headers["RateLimit-Policy"] == "5;w=1"


def test_an_empty_default_means_unlimited_and_unauthenticated_routes_are_not_counted(
        client, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "")
    answer = client.get("/api/v1/categories", headers=key(app))
    assert answer.status_code == 200 and "RateLimit-Limit" not in answer.headers
    assert "RateLimit-Limit" not in client.get("/api/v1/health").headers


def test_a_bad_limit_is_refused_when_the_key_is_made(app):
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        key(app, rate_limit="lots")
    assert refused.value.errors[0]["field"] == "/rate_limit"


def test_redis_down_lets_requests_through(app):
    headers = key(app)
    down = app_with(app, REDIS_URL="redis://127.0.0.1:1/0", API_RATE_LIMIT="1/minute")
    with down.test_client() as client:
        answers = [client.get("/api/v1/categories", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
