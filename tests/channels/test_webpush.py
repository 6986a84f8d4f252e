"""Web push: the provider's request, and a simulator that checks what push services check."""
import ssl
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from py_vapid import Vapid
from pywebpush import WebPusher

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.push.webpush import (
    MAX_PAYLOAD_BYTES,
    WebPushProvider,
    build_request,
    topic,
)
from app.sandbox.webpush import subscription
from tests.channels.support import (
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
)


@pytest.fixture()
def provider(config):
    instance = WebPushProvider(config)
    yield instance
    instance.close()


@pytest.fixture()
def browser(app, sandbox):  # with the app, the sandbox outbox is reset after each test
    return subscription(sandbox.tls_url, "unit")


def push(sub, **content) -> Message:
    return Message("n-1", "push", sub["endpoint"], content or {"title": "Hi"}, "web", sub)


@cases("webpush", [
    ("404", InvalidRecipient, "404"),
    ("410", InvalidRecipient, "410"),
    ("400", PermanentError, "400"),
    ("413", PermanentError, "413"),
    ("429", RateLimited, "429"),
    ("500", TransientError, "500"),
    ("503", TransientError, "503"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["webpush"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox)


def test_request_maps_content_and_headers():
    data, headers = build_request(push({"endpoint": "https://x/y"}, title="Hi", badge=3,
                                       ttl_seconds=0, priority="normal", collapse_key="k-1",
                                       sound="ding", data={"n": 1}))
    assert data == b'{"title":"Hi","badge":3,"data":{"n":"1"},"herald_id":"n-1"}'
    assert headers == {"TTL": 0, "Urgency": "normal", "Topic": "k-1"}
    assert build_request(push({"endpoint": "https://x/y"}))[1] == {"TTL": 28 * 24 * 3600}


def test_topic_is_32_base64url_characters_at_most():
    assert topic("order_42-shipped") == "order_42-shipped"
    hashed = topic("order 42 / shipped to a rather long address")
    assert len(hashed) == 32 and hashed == topic("order 42 / shipped to a rather long address")
    assert set(hashed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_oversize_or_unaddressable_pushes_fail_without_a_request(provider, browser, sandbox):
    too_big = push(browser, body="x" * MAX_PAYLOAD_BYTES)
    no_keys = Message("n-2", "push", browser["endpoint"], {"title": "Hi"}, "web", None)
    bad_key = replace(push({**browser, "keys": {**browser["keys"], "p256dh": "BA" + "A" * 85}}),
                      id="n-3")
    results = provider.send_batch([too_big, no_keys, bad_key])
    assert [type(r.error) for r in results] == [PermanentError, InvalidRecipient,
                                                InvalidRecipient]
    assert [r.error.code for r in results] == ["invalid_message", "no_subscription",
                                               "bad_subscription"]
    assert sandbox.received("webpush") == []


def test_one_vapid_token_per_push_service_reused_then_renewed(provider, monkeypatch):
    first = provider.authorization("https://fcm.googleapis.com")
    assert provider.authorization("https://fcm.googleapis.com") == first
    other = provider.authorization("https://updates.push.services.mozilla.com")
    token = other.split("t=", 1)[1].split(",", 1)[0]
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == \
        "https://updates.push.services.mozilla.com"
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    assert provider.authorization("https://fcm.googleapis.com") != first


def post(sandbox, sub, headers: dict, body: bytes | None = None) -> httpx.Response:
    if body is None:
        body = WebPusher(sub).encode(b'{"title":"Hi"}')["body"]
    trust = ssl.create_default_context(cafile=str(sandbox.cert))
    return httpx.post(sub["endpoint"], content=body, headers=headers, verify=trust)


def vapid_header(key: Vapid, **claims) -> str:
    return key.sign({"sub": "mailto:ops@example.com", **claims})["Authorization"]


@pytest.mark.parametrize("change, status, says", [
    ({}, 201, None),
    ({"authorization": None}, 401, "missing VAPID"),
    ({"aud": "https://elsewhere.example"}, 401, "invalid VAPID token"),
    ({"exp": -60}, 401, "invalid VAPID token"),
    ({"exp": 25 * 3600}, 401, "24 hours"),
    ({"sub": "ops"}, 401, "sub must be"),
    ({"ttl": None}, 400, "TTL"),
    ({"content-encoding": "aesgcm"}, 400, "aes128gcm"),
    ({"urgency": "urgent"}, 400, "Urgency"),
    ({"topic": "has spaces in it"}, 400, "Topic"),
    ({"body": b"\x00" * 100}, 400, "aes128gcm body"),
    ({"body": b"\x00" * 5000}, 413, "4096"),
    ({"keys_of": "someone-else"}, 400, "could not decrypt"),
])
def test_simulator_checks_vapid_ttl_and_encryption(sandbox, browser, change, status, says):
    key = Vapid()
    key.generate_keys()
    origin = browser["endpoint"].rsplit("/wp/", 1)[0]
    claims = {"aud": change.get("aud", origin), "exp": int(time.time()) + change.get("exp", 3600)}
    if "sub" in change:
        key.conf["no-strict"] = True
        claims["sub"] = change["sub"]
    headers = {"authorization": vapid_header(key, **claims), "ttl": "60",
               "content-encoding": "aes128gcm"}
    headers.update({k: v for k, v in change.items()
                    if k in ("authorization", "ttl", "content-encoding", "urgency", "topic")})
    headers = {k: v for k, v in headers.items() if v is not None}
    encrypt_for = subscription(sandbox.tls_url, change["keys_of"]) if "keys_of" in change \
        else browser
    body = change.get("body") or WebPusher(encrypt_for).encode(b'{"title":"Hi"}')["body"]
    response = post(sandbox, browser, headers, body)
    assert response.status_code == status, response.text
    if says:
        assert says in response.json()["message"]
        assert sandbox.received("webpush") == []
    else:
        assert response.headers["location"].startswith(origin + "/m/")
        [entry] = sandbox.received("webpush")
        assert entry["payload"] == {"title": "Hi"}
        assert headers["authorization"].endswith(",k=" + entry["vapid"]["k"])


def test_a_redirecting_endpoint_is_not_followed(config, browser, sandbox, monkeypatch):
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(307)
            self.send_header("Location", browser["endpoint"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sandbox.cert, sandbox.cert.with_suffix(".key"))
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"https://127.0.0.1:{server.server_port}"
    monkeypatch.setattr(config, "WEBPUSH_PRIVATE_ORIGINS", f"{sandbox.tls_url},{origin}")
    provider = WebPushProvider(config)
    try:
        [result] = provider.send_batch([push({**browser, "endpoint": origin + "/wp/unit"})])
    finally:
        provider.close()
        server.shutdown()
    assert (type(result.error), result.error.code) == (PermanentError, "redirect")
    assert sandbox.received("webpush") == []


def test_an_endpoint_outside_the_allowed_push_services_is_never_called(config, browser,
                                                                       sandbox, monkeypatch):
    monkeypatch.setattr(config, "WEBPUSH_ALLOWED_HOSTS", "fcm.googleapis.com")
    monkeypatch.setattr(config, "WEBPUSH_PRIVATE_ORIGINS", "")  # the sandbox's, no longer
    refusing = WebPushProvider(config)
    try:
        [result] = refusing.send_batch([push(browser)])
    finally:
        refusing.close()
    assert isinstance(result.error, InvalidRecipient) and result.error.code == "host_not_allowed"
    assert sandbox.received("webpush") == []
