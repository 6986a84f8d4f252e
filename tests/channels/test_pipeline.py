"""The send pipeline every provider shares: HTTP error classification, the bounded pool."""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.channels import pool as pool_module
from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    RateLimited,
    SendResult,
    TransientError,
    classify_http,
)
from app.channels.pool import ProviderPool
from app.channels.sms.twilio import TwilioProvider
from tests.channels.support import with_settings

HTTP_DATE = "Wed, 21 Oct 2099 07:28:00 GMT"


@pytest.mark.parametrize("status, headers, error_class, retry_after", [
    (429, {"Retry-After": "30"}, RateLimited, 30.0),
    (429, {"Retry-After": "-5"}, RateLimited, 0.0),
    (429, {"Retry-After": "soon"}, RateLimited, None),
    (429, {}, RateLimited, None),
    (408, {}, TransientError, None),
    (500, {}, TransientError, None),
    (502, {}, TransientError, None),
    (503, {"Retry-After": "30"}, TransientError, None),
    (400, {}, PermanentError, None),
    (401, {}, PermanentError, None),
    (403, {}, PermanentError, None),
    (404, {}, PermanentError, None),
    (410, {}, PermanentError, None),
    (413, {}, PermanentError, None),
])
def test_classify_http(status, headers, error_class, retry_after):
    error = classify_http(status, headers, b'{"error": "x"}', message=f"answer {status}")
    assert type(error) is error_class
    assert (error.code, str(error), error.response) == (str(status), f"answer {status}",
                                                        '{"error": "x"}')
    if error_class is RateLimited:
        assert error.retry_after == retry_after


def test_classify_http_reads_an_http_date_and_keeps_the_providers_code():
    error = classify_http(429, {"Retry-After": HTTP_DATE}, "", code="20429")
    assert error.retry_after > 3600 and error.code == "20429" and error.response is None
    assert classify_http(429, {"Retry-After": "9"}, retry_after=2.0).retry_after == 2.0


def test_invalid_recipient_says_why():
    assert InvalidRecipient("x").reason == "invalid_recipient"
    assert InvalidRecipient("x", reason="stop", code="21610").reason == "stop"


class SlowTwilio(BaseHTTPRequestHandler):
    """Answers Messages.json after a pause, counting the requests in flight."""

    lock = threading.Lock()
    in_flight = peak = 0

    def do_POST(self):  # noqa: N802 (the http.server API)
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.peak = max(cls.peak, cls.in_flight)
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.05)
        with cls.lock:
            cls.in_flight -= 1
        body = json.dumps({"sid": "SM" + "0" * 32, "status": "queued",
                           "num_segments": "1"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def slow_twilio():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowTwilio)
    SlowTwilio.in_flight = SlowTwilio.peak = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_in_flight_sends_never_exceed_the_providers_concurrency(config, slow_twilio):
    pool = ProviderPool(with_settings(config, TWILIO_URL=slow_twilio))
    messages = [[Message(f"{batch}-{i}", "sms", f"+1415555{i:04d}", {"text": "Hi"})
                 for i in range(24)] for batch in range(3)]
    try:
        with ThreadPoolExecutor(3) as callers:  # three batches asking at the same time
            done = list(callers.map(lambda batch: pool.send("twilio", batch), messages))
    finally:
        pool.close()
    assert all(r.ok for results in done for r in results)
    assert [[r.message_id for r in results] for results in done] == [
        [m.id for m in batch] for batch in messages]
    assert SlowTwilio.peak == TwilioProvider.concurrency


class Counting(Provider):
    name, channel, concurrency, max_batch = "counting", "sms", 3, 4
    lock = threading.Lock()
    in_flight = peak = 0

    def send_one(self, message):
        with self.lock:
            type(self).in_flight += 1
            type(self).peak = max(self.peak, self.in_flight)
        time.sleep(0.01)
        with self.lock:
            type(self).in_flight -= 1
        if message.id == "boom":
            raise RuntimeError("provider bug")
        return SendResult(message.id, provider_message_id=f"p-{message.id}")


def test_the_pool_bounds_each_provider_and_fails_a_crashed_chunk_transiently(monkeypatch):
    monkeypatch.setattr(pool_module, "provider_class", lambda name: Counting)
    pool = ProviderPool(config=None, max_threads=16)
    messages = [Message(str(i), "sms", "+14155550100", {}) for i in range(10)]
    try:
        results = pool.send("counting", [*messages[:8], Message("boom", "sms", "x", {}),
                                         *messages[8:]])
    finally:
        pool.close()
    assert Counting.peak == 3
    assert [r.ok for r in results[:8]] == [True] * 8  # chunks of max_batch = 4
    assert all(isinstance(r.error, TransientError) for r in results[8:])
    assert [r.error.code for r in results[8:]] == ["provider_crash"] * 3


def test_a_malformed_fault_is_refused(sandbox):
    for body in ({"provider": "pigeon", "kind": "500"}, {"provider": "fcm"},
                 {"provider": "fcm", "kind": "500", "times": "often"}, [1]):
        response = sandbox.http.post("/_sandbox/faults", json=body)
        assert response.status_code == 422, body
    assert "webpush" in response.json()["providers"]
