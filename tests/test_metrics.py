"""GET /metrics: Prometheus text with queue backlogs and dead letters, token-guarded."""
from prometheus_client.parser import text_string_to_metric_families

from app.queues import enqueue_ids
from tests.helpers.console import dead_sms


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
