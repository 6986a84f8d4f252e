"""Structured logs: a worker's lines about a batch carry its notification ids; a request's
lines carry its X-Request-ID (given, or made when missing or malformed)."""
import io
import json
import logging

import pytest
from werkzeug.test import Client

from app import logs
from app.edge import Edge
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture()
def json_lines():
    """Every log line, as the JSON objects HERALD_LOG_FORMAT=json writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.adopt(handler, "json")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_workers_batch_lines_carry_the_notification_ids(client, api_headers, drain, db,
                                                          json_lines):
    factories.category()
    factories.contact()
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    [batch] = [line for line in json_lines() if line["logger"] == "app.core.delivery.deliver"]
    assert batch["notification_ids"] == [sent["id"]]
    assert batch["message"] == "sms batch of 1: 1 sent" and batch["level"] == "INFO"


def test_a_requests_lines_carry_its_request_id(app, client, json_lines):
    answer = client.get("/healthz", headers={"X-Request-ID": "edge-42"})
    assert answer.headers["X-Request-ID"] == "edge-42"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\" INFO fake line"})
    assert "fake" not in forged.headers["X-Request-ID"]

    def logging_app(environ, start_response):  # what any view does that logs
        logging.getLogger("herald.test").warning("inside")
        start_response("204 No Content", [])
        return []

    Client(Edge(logging_app, [])).get("/", headers={"X-Request-ID": "edge-43"})
    logging.getLogger("herald.test").warning("outside")
    inside, outside = [line for line in json_lines() if line["logger"] == "herald.test"]
    assert (inside["request_id"], outside["request_id"]) == ("edge-43", None)


def test_text_lines_append_the_ids():
    record = logging.LogRecord("herald", logging.INFO, __file__, 1, "sent", None, None)
    with logs.about(["a", "b"]):
        logs.Context().filter(record)
    assert logs.formatter("text").format(record).endswith(" sent notification_ids=a,b")
    many = logging.LogRecord("herald", logging.INFO, __file__, 1, "sent", None, None)
    with logs.about(range(logs.MAX_IDS + 5)):
        logs.Context().filter(many)
    assert many.notification_ids[-1] == "+5" and len(many.notification_ids) == logs.MAX_IDS + 1


def test_http_clients_per_request_lines_are_held_back():
    """httpx logs each request at INFO: a worker keeps its batch lines and their warnings."""
    root, client_log = logging.getLogger(), logging.getLogger("httpx")
    handlers, level, client_level = root.handlers[:], root.level, client_log.level
    stream = io.StringIO()
    try:
        logs.configure("text", stream=stream)
        client_log.info("HTTP Request: POST https://fcm.example/ 200 OK")
        client_log.warning("connection reset")
        logging.getLogger("app.core.delivery.deliver").info("push batch of 1: 1 sent")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        client_log.setLevel(client_level)
    written = stream.getvalue()
    assert "HTTP Request" not in written
    assert "connection reset" in written and "push batch of 1" in written
