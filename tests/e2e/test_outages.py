"""Outages: without Redis the API still accepts and the console works; without the
database the API answers 503 problem JSON with Retry-After and writes nothing."""
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, text

import workers.jobs
from app.extensions import db as _db
from app.models import Notification
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import assert_problem
from tests.helpers.console import app_with, make_operator, sign_in
from tests.helpers.tcp_proxy import TcpProxy
from tests.sandbox_client import free_port

BODY = {"recipients": ["ada"], "category": "orders", "channels": ["sms"],
        "content": {"sms": {"text": "Hi"}}}


@pytest.fixture()
def ada(db):
    factories.category(quiet_hours=False)
    return factories.contact(external_id="ada", phone="+14155550100")


def notifications(db) -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Notification.status, func.count())
                                   .group_by(Notification.status)).all())


def test_without_redis_the_api_accepts_and_the_sweeper_sends_later(
        app, db, api_headers, ada, drain, sandbox):
    no_redis = app_with(app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = no_redis.test_client().post("/api/v1/notifications", json=BODY,
                                           headers={**api_headers, "Idempotency-Key": "k1"})
    assert response.status_code == 202, response.get_data(as_text=True)
    assert notifications(db) == {"queued": 1}  # in the database, in no queue yet
    with no_redis.app_context():
        _db.session.remove()
    drain(sweep_first=True, now=utcnow() + timedelta(minutes=2))
    assert notifications(db) == {"sent": 1}
    assert len(sandbox.received("twilio")) == 1


def test_without_redis_the_console_works(app, db):
    make_operator("ops@example.com", "admin")
    no_redis = app_with(app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = no_redis.test_client()
    assert sign_in(client, "ops@example.com").status_code == 302
    for page in ("/dashboard", "/notifications/", "/contacts/", "/templates/", "/campaigns/"):
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
    with no_redis.app_context():
        _db.session.remove()


@pytest.mark.postgresql
def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(app, db,
                                                                           api_headers, ada):
    other = app_with(app)  # a pool of its own: its connection is the one ended
    client = other.test_client()
    assert client.post("/api/v1/notifications", json=BODY, headers=api_headers
                       ).status_code == 202
    with other.app_context():
        pid = _db.session.scalar(select(func.pg_backend_pid()))
        _db.session.remove()  # back in the pool, idle
    # What a restart does to every session (it ends them, saying so), to this one only.
    assert db.session.scalar(select(func.pg_terminate_backend(pid)))
    activity = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    deadline = time.monotonic() + 10
    while db.session.scalar(activity, {"pid": pid}) and time.monotonic() < deadline:
        db.session.rollback()
        time.sleep(0.05)
    assert client.post("/api/v1/notifications", json=BODY, headers=api_headers
                       ).status_code == 202
    with other.app_context():
        assert _db.session.scalar(select(func.pg_backend_pid())) != pid
        _db.session.remove()
        _db.engine.dispose()
    assert notifications(db) == {"queued": 2}


@pytest.fixture()
def database_proxy(app, database_url):
    url = urlsplit(database_url)
    proxy = TcpProxy(url.hostname, url.port or 5432)
    proxied = app_with(app, SQLALCHEMY_DATABASE_URI=database_url.replace(
        url.netloc, f"{url.username}@127.0.0.1:{proxy.port}"))
    yield proxy, proxied
    proxy.cut()
    with proxied.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.postgresql  # a database server to cut off
def test_without_the_database_the_api_answers_503_and_writes_nothing(
        db, api_headers, ada, database_proxy):
    proxy, proxied = database_proxy
    client = proxied.test_client()
    headers = {**api_headers, "Idempotency-Key": "during-outage"}
    assert client.post("/api/v1/notifications", json=BODY, headers=api_headers
                       ).status_code == 202
    proxy.cut()
    for _ in range(2):  # the pooled connection is gone, then no new one can be made
        response = client.post("/api/v1/notifications", json=BODY, headers=headers)
        problem = assert_problem(response, 503)
        assert response.headers["Retry-After"].isdigit()
        assert "Traceback" not in problem["detail"]
    page = sign_in(client, "ops@example.com")  # the console: a page, not a traceback
    assert page.status_code == 503 and "briefly unavailable" in page.get_data(as_text=True)
    assert notifications(db) == {"queued": 1}
    proxy.restore()
    # Back: the client retries with the same key and is served once.
    assert client.post("/api/v1/notifications", json=BODY, headers=headers).status_code == 202
    assert client.post("/api/v1/notifications", json=BODY, headers=headers).status_code == 202
    assert notifications(db) == {"queued": 2}


@pytest.mark.postgresql
def test_without_the_database_a_worker_backs_off_and_carries_on_when_it_is_back(
        db, redis, config, api_headers, ada, database_proxy, sandbox, monkeypatch):
    proxy, proxied = database_proxy
    client = proxied.test_client()
    [sent] = client.post("/api/v1/notifications", json=BODY, headers=api_headers
                         ).get_json()["notifications"]
    monkeypatch.setattr(workers.jobs, "DATABASE_BACKOFF", (0.5,) * 20)
    workers.jobs.use_app(proxied)
    proxy.cut()
    job = ThreadPoolExecutor(1).submit(workers.jobs.drain_channel, "sms")
    try:
        time.sleep(2)
        assert not job.done()  # waiting for the database, not failed
        proxy.restore()
        assert job.result(timeout=30) == {"sent": 1}
    finally:
        workers.jobs.close()
    assert notifications(db) == {"sent": 1}
    assert len(sandbox.received("twilio")) == 1
