"""Operator alerts fire and recover against real Redis, the database, a webhook receiver
over HTTP and the email simulator: queues, providers, dead notifications, circuits."""
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core.ops import alerts
from app.queues import due_key, enqueue_ids, queue
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")


class Receiver(BaseHTTPRequestHandler):
    received: list

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def webhook(config, monkeypatch):
    """A local HTTP server standing in for the operators' webhook; its POSTs, in order."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(config, "ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/")
    yield server.received
    server.shutdown()
    server.server_close()


@pytest.fixture()
def evaluate(db, redis, config):
    def run(after_seconds: float = 0) -> list[tuple[str, str]]:
        sent = alerts.evaluate(db.session, redis, config, time.time() + after_seconds)
        return [(m["kind"], m["state"]) for m in sent]
    return run


def test_a_backed_up_unattended_queue_fires_then_recovers(evaluate, webhook, redis, config):
    enqueue_ids(redis, config, {"sms": ["a", "b"]})
    assert evaluate() == [("no_worker", "firing")]  # waiting, but not yet for long
    assert evaluate(config.ALERT_QUEUE_AGE_SECONDS + 5) == [("queue_age", "firing")]
    assert evaluate(config.ALERT_QUEUE_AGE_SECONDS + 10) == []  # still firing: said already
    queue(redis, "sms").empty()
    redis.delete(due_key("sms"))
    assert sorted(evaluate()) == [("no_worker", "resolved"), ("queue_age", "resolved")]
    assert [(m["kind"], m["state"]) for m in webhook] == [
        ("no_worker", "firing"), ("queue_age", "firing"),
        ("queue_age", "resolved"), ("no_worker", "resolved")]
    assert webhook[1]["subjects"]["sms"]["oldest_seconds"] >= config.ALERT_QUEUE_AGE_SECONDS
    assert "queue sms: the oldest job has waited" in webhook[1]["summary"]
    assert alerts.recent_alerts(redis)[0]["state"] == "resolved"  # the console's list


def test_a_failing_provider_fires_error_rate_and_dead_then_recovers(
        client, api_headers, drain, sandbox, evaluate, webhook, config, monkeypatch):
    monkeypatch.setattr(config, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")
    monkeypatch.setattr(config, "ALERT_ERROR_MIN_SENDS", 3)
    factories.category()
    for i in range(4):
        factories.contact(f"user-{i}", phone=f"+1415555010{i}")
    sandbox.fail("twilio", "503", times=3)
    send(client, api_headers, recipients=[f"user-{i}" for i in range(4)], channels=["sms"],
         content={"sms": {"text": "Hi"}})
    drain()
    assert sorted(evaluate()) == [("dead_notifications", "firing"), ("error_rate", "firing")]
    rate = next(m for m in webhook if m["kind"] == "error_rate")
    assert rate["subjects"]["twilio"] == {"channel": "sms", "errors": 3, "attempts": 4,
                                          "rate": 0.75}
    dead = next(m for m in webhook if m["kind"] == "dead_notifications")
    assert dead["subjects"] == {"sms": {"count": 3}}
    later = (config.ALERT_WINDOW_MINUTES + 1) * 60  # the failures left the window
    assert sorted(evaluate(later)) == [("dead_notifications", "resolved"),
                                       ("error_rate", "resolved")]


def test_an_open_circuit_fires_and_its_closing_recovers(evaluate, webhook, redis):
    redis.hset("herald:circuit:twilio", mapping={"state": "open", "opened_at": time.time()})
    redis.hset("herald:circuit:vonage", "state", "half_open")
    assert evaluate() == [("circuit_open", "firing")]
    assert list(webhook[0]["subjects"]) == ["twilio"]
    redis.hset("herald:circuit:twilio", "state", "closed")
    assert evaluate() == [("circuit_open", "resolved")]


def test_a_kind_sends_at_most_once_per_repeat_interval(evaluate, webhook, redis, config,
                                                      monkeypatch):
    redis.hset("herald:circuit:twilio", "state", "open")
    assert evaluate() == [("circuit_open", "firing")]
    redis.delete("herald:circuit:twilio")
    assert evaluate() == [("circuit_open", "resolved")]
    redis.hset("herald:circuit:twilio", "state", "open")  # flapping: quiet this time
    assert evaluate() == []
    redis.delete("herald:circuit:twilio")
    assert evaluate() == []  # nothing was said, so no recovery either
    redis.delete(alerts.QUIET_KEY.format(kind="circuit_open"))  # the interval passed
    redis.hset("herald:circuit:vonage", "state", "open")
    assert evaluate() == [("circuit_open", "firing")]
    assert len(webhook) == 3


def test_event_alerts_are_sent_at_the_next_evaluation(evaluate, webhook, redis, config):
    evaluate()  # events before the first evaluation were never pending
    alerts.raise_alert(redis, config, "campaign_failed", {"campaign": 7, "error": "boom"})
    assert webhook == []
    assert evaluate() == [("campaign_failed", "event")]
    assert webhook[0]["campaign"] == 7 and "boom" in webhook[0]["summary"]
    assert evaluate() == []


def test_operators_get_alert_emails_through_herald(evaluate, drain, sandbox, redis, config,
                                                   webhook, monkeypatch):
    monkeypatch.setattr(config, "ALERT_EMAILS", "ops@example.com,Oncall@Example.com")
    factories.contact("user-1", email="ops@example.com")  # the same address as a contact
    redis.hset("herald:circuit:twilio", "state", "open")
    evaluate()
    drain()
    mails = sandbox.received("sendgrid")
    assert sorted(p["to"][0]["email"] for m in mails
                  for p in m["payload"]["personalizations"]) == [
        "Oncall@Example.com", "ops@example.com"]
    assert mails[0]["payload"]["personalizations"][0]["subject"] == \
        "[Herald] firing: circuit_open"
    assert mails[0]["payload"]["categories"] == ["herald-alerts"]
    assert "twilio: circuit open" in json.dumps(mails[0]["payload"]["content"])


def test_no_alert_email_while_email_itself_is_failing(evaluate, drain, sandbox, redis, config,
                                                      webhook, monkeypatch, db):
    monkeypatch.setattr(config, "ALERT_EMAILS", "ops@example.com")
    enqueue_ids(redis, config, {"email": ["x"]})  # waiting with no worker
    assert evaluate() == [("no_worker", "firing")]
    assert webhook[0]["kind"] == "no_worker"  # the webhook still hears of it
    from app.models import Notification
    assert db.session.query(Notification).count() == 0


def test_alert_emails_that_die_raise_no_alert(evaluate, drain, sandbox, redis, config, webhook,
                                             monkeypatch, db):
    monkeypatch.setattr(config, "ALERT_EMAILS", "ops@example.com")
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", "sendgrid")
    monkeypatch.setattr(config, "MAX_ATTEMPTS", 1)
    sandbox.fail("sendgrid", "503", times=1)
    redis.hset("herald:circuit:twilio", "state", "open")
    evaluate()
    drain()
    assert [a.get("state") for a in alerts.recent_alerts(redis)] == ["firing"]
    assert evaluate(timedelta(minutes=1).total_seconds()) == []
