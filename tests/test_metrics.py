"""GET /metrics: Prometheus text with queue backlogs and dead letters, token-guarded."""
from prometheus_client.parser import text_string_to_metric_families

from app.queues import enqueue_ids
from tests.helpers.console import app_with, dead_sms


def samples(text: str) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_report_backlog_and_dead_letters(client, config, redis, db):
    enqueue_ids(redis, config, {"sms": ["a"] * (config.BATCH_SIZE + 1)})
    dead_sms(db, 2)
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    found = samples(response.get_data(as_text=True))
    assert found[("herald_queue_jobs_waiting", (("queue", "sms"),))] == 1  # one drain
    assert found[("herald_queue_notifications_due", (("queue", "sms"),))] == config.BATCH_SIZE + 1
    assert found[("herald_queue_workers", (("queue", "sms"),))] == 0
    assert found[("herald_notifications_dead", (("channel", "sms"),))] == 2
    assert found[("herald_notifications_dead", (("channel", "email"),))] == 0


def test_metrics_token_is_required_when_set(client, config, monkeypatch):
    monkeypatch.setattr(config, "METRICS_TOKEN", "s3cret")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_request_latency_is_a_histogram_per_route_template(client):
    before = samples(client.get("/metrics").get_data(as_text=True))
    for target in ("/healthz", "/api/v1/contacts/ada", "/api/v1/contacts/bob", "/no/such/page"):
        client.get(target)
    found = samples(client.get("/metrics").get_data(as_text=True))

    def count(route, status):
        key = ("herald_http_request_duration_seconds_count",
               (("method", "GET"), ("route", route), ("status", status)))
        return found.get(key, 0) - before.get(key, 0)

    assert count("/healthz", "2xx") == 1
    assert count("/api/v1/contacts/<external_id>", "4xx") == 2  # no key: 401, one label
    assert count("unmatched", "4xx") == 1
    assert not any("/no/such/page" in str(labels) for _, labels in found)


def test_healthz_needs_nothing_and_readyz_checks_the_database_and_redis(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert (ready.status_code, ready.get_json()["status"]) == (200, "ready")
    assert ready.headers["Cache-Control"] == "no-store"

    broken = app_with(app, REDIS_URL="redis://127.0.0.1:1/0",
                      SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/x")
    with broken.test_client() as down:
        assert down.get("/healthz").status_code == 200
        response = down.get("/readyz")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert {e["field"] for e in response.get_json()["errors"]} == {"database", "redis"}
