"""Web push endpoints workers may call: parser tricks, private addresses, DNS rebinding.

Each hostile endpoint aims at a local listening socket; the assertion that matters is that
the socket never sees a connection, whatever the provider answers.
"""
import socket
import threading
from contextlib import contextmanager

import pytest
import requests

from app.channels.base import InvalidRecipient, Message, TransientError
from app.channels.push import endpoints
from app.channels.push.endpoints import (
    ForbiddenAddress,
    GuardedAdapter,
    check_endpoint,
    public_address,
)
from app.channels.push.webpush import WebPushProvider
from app.sandbox.webpush import subscription

# Endpoints that must never be called; {port} is a local listener ("the internal service").
# The comment says which parser saw what: the allow-list's (urlsplit) against the client's
# (requests, then urllib3).
PARSER_TRICKS = [
    "https://localhost:{port}\\@fcm.googleapis.com/wp/x",  # urlsplit: fcm; client: localhost
    "https://127.0.0.1:{port}\\@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\\@127.0.0.1:{port}/wp/x",
    "https://fcm.googleapis.com/wp\\x",  # a backslash anywhere
    "https://localhost:{port}#@fcm.googleapis.com/wp/x",  # fragment before the @
    "https://localhost:{port}?@fcm.googleapis.com/wp/x",  # query before the @
    "https://localhost:{port}/@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com@localhost:{port}/wp/x",  # user info
    "https://fcm.googleapis.com:443@localhost:{port}/wp/x",
    "https://user:secret@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\t/wp/x",  # whitespace and control characters
    "https://fcm.googleapis.com/wp/x\n",
    "https://fcm.google\napis.com/wp/x",
    " https://fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\x00/wp/x",
    "https://fcm.googleapis.com。/wp/x",  # an ideographic full stop
    "https://fcm．googleapis.com/wp/x",  # a fullwidth full stop
    "https://fcm.googleapis.com./wp/x",  # a trailing dot
    "https://FCM.googleapis.com/wp/x",  # not lowercase
    "HTTPS://fcm.googleapis.com/wp/x",
    "https://fcm.googleapis%2ecom/wp/x",  # a percent-encoded host
    "https://fcm%2Egoogleapis.com/wp/x",
    "https://fcm.googleapis.com%00/wp/x",
    "https://[::1]:{port}/wp/x",  # IP literals
    "https://[::ffff:127.0.0.1]:{port}/wp/x",
    "https://[::1]/wp/x",
    "https://127.0.0.1:{port}/wp/x",
    "https://127.0.0.1/wp/x",
    "https://2130706433/wp/x",
    "https://0x7f.1/wp/x",
    "https://0x7f000001/wp/x",
    "https://017700000001/wp/x",
    "https://127.1/wp/x",
    "https://169.254.169.254/latest/meta-data",
    "https://localhost:{port}/wp/x",  # not a push service
    "https://localhost/wp/x",
    "https://fcm.googleapis.com.evil.example/wp/x",
    "https://evilfcm.googleapis.com.example/wp/x",
    "https://fcm.googleapis.com:{port}/wp/x",  # ports
    "https://fcm.googleapis.com:0/wp/x",
    "https://fcm.googleapis.com:8443/wp/x",
    "https://fcm.googleapis.com:0443/wp/x",
    "https://fcm.googleapis.com:/wp/x",
    "http://fcm.googleapis.com/wp/x",  # schemes and shapes
    "https:fcm.googleapis.com/wp/x",
    "https:/fcm.googleapis.com/wp/x",
    "https:///fcm.googleapis.com/wp/x",
    "//fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com/wp/x#fragment",
    "https://fcm.googleapis.com/wp/x%41",  # the client would decode it: not canonical
]
# The sandbox's private origin, but not exactly: another port, user info, a name for it.
PRIVATE_ORIGIN_TRICKS = [
    "https://127.0.0.1:{port}/wp/x",
    "https://user@{sandbox}/wp/x",
    "https://{sandbox}@fcm.googleapis.com/wp/x",
    "https://localhost:{sandbox_port}/wp/x",
    "http://{sandbox}/wp/x",
]


@contextmanager
def local_listener():
    """A local service that must never be reached; yields (port, connections seen)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            seen.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture()
def listener():
    with local_listener() as port_and_seen:
        yield port_and_seen


@pytest.fixture()
def provider(config):
    instance = WebPushProvider(config)
    yield instance
    instance.close()


def hostile(template: str, port: int, sandbox) -> str:
    origin = sandbox.tls_url.removeprefix("https://")
    return template.format(port=port, sandbox=origin, sandbox_port=sandbox.tls_port)


def web_push(endpoint: str, name: str = "victim") -> Message:
    sub = {**subscription("https://unused.example", name), "endpoint": endpoint}
    return Message("n-1", "push", endpoint, {"title": "Hi"}, "web", sub)


@pytest.mark.parametrize("template", PARSER_TRICKS + PRIVATE_ORIGIN_TRICKS)
def test_a_hostile_endpoint_is_refused_at_send_time_and_never_connected_to(
        template, provider, listener, sandbox):
    port, seen = listener
    endpoint = hostile(template, port, sandbox)
    [result] = provider.send_batch([web_push(endpoint)])
    assert isinstance(result.error, InvalidRecipient), result.error
    assert result.error.code == "host_not_allowed"
    assert seen == []
    assert sandbox.received("webpush") == []


@pytest.mark.parametrize("endpoint, origin", [
    ("https://fcm.googleapis.com/fcm/send/dXJ1:APA91bH-x_y", "https://fcm.googleapis.com"),
    ("https://fcm.googleapis.com:443/fcm/send/abc", "https://fcm.googleapis.com"),
    ("https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
     "https://updates.push.services.mozilla.com"),
    ("https://wns2-par02p.notify.windows.com/w/?token=BQYA%2bx%3d",
     "https://wns2-par02p.notify.windows.com"),
    ("https://web.push.apple.com/QGuQyavXutnMH", "https://web.push.apple.com"),
])
def test_push_services_endpoints_pass_with_their_origin(config, endpoint, origin):
    assert check_endpoint(endpoint, config.WEBPUSH_ALLOWED_HOSTS, ()) == origin


def test_only_the_exact_private_origin_may_be_an_ip_on_another_port(sandbox):
    endpoint = sandbox.tls_url + "/wp/x"
    assert check_endpoint(endpoint, (), (sandbox.tls_url,)) == sandbox.tls_url
    with pytest.raises(ValueError, match="port"):
        check_endpoint(endpoint, ("127.0.0.1",), ())


@pytest.mark.parametrize("address, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("224.0.0.251", False), ("255.255.255.255", False),
    ("::1", False), ("::", False), ("fe80::1%eth0", False), ("fd00::1", False),
    ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
    ("64:ff9b::a00:1", False), ("2002:7f00:1::1", False),
    ("142.250.74.106", True), ("2a00:1450:4001:80b::200a", True), ("::ffff:8.8.8.8", True),
])
def test_public_addresses(address, public):
    assert public_address(address) is public


@pytest.fixture()
def resolver(monkeypatch):
    """Fake DNS for push.example.com (each call answers the next list); record connects."""
    answers: list[list[str]] = []
    lookups: list[str] = []
    connects: list[tuple] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "push.example.com":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        current = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in current]

    def create_connection(address, *args, **kwargs):
        connects.append(address)
        raise ConnectionRefusedError(111, "refused (test)")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(endpoints.connection, "create_connection", create_connection)
    return answers, lookups, connects


@pytest.mark.parametrize("addresses", [
    ["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["::ffff:127.0.0.1"],
    ["142.250.74.106", "127.0.0.1"],  # one bad answer among good ones is enough
])
def test_an_allowed_name_resolving_to_a_private_address_is_refused(
        config, monkeypatch, resolver, addresses):
    answers, lookups, connects = resolver
    answers.append(addresses)
    monkeypatch.setattr(config, "WEBPUSH_ALLOWED_HOSTS", "push.example.com")
    guarded = WebPushProvider(config)
    try:
        [result] = guarded.send_batch([web_push("https://push.example.com/wp/x")])
    finally:
        guarded.close()
    assert (type(result.error), result.error.code) == (InvalidRecipient, "private_address")
    assert connects == []


def test_the_connection_goes_to_the_address_checked_not_a_second_lookup(
        config, monkeypatch, resolver):
    answers, lookups, connects = resolver
    answers += [["142.250.74.106"], ["127.0.0.1"]]  # a rebinding server's two answers
    monkeypatch.setattr(config, "WEBPUSH_ALLOWED_HOSTS", "push.example.com")
    guarded = WebPushProvider(config)
    try:
        [result] = guarded.send_batch([web_push("https://push.example.com/wp/x")])
    finally:
        guarded.close()
    assert (type(result.error), result.error.code) == (TransientError, "connection_error")
    assert lookups == ["push.example.com"]
    assert connects == [("142.250.74.106", 443)]


def test_the_guard_refuses_loopback_unless_it_is_a_private_origin(listener):
    port, seen = listener
    session = requests.Session()
    session.mount("http://", GuardedAdapter(()))
    for url in (f"http://localhost:{port}/", f"http://127.0.0.1:{port}/"):
        with pytest.raises(ForbiddenAddress):
            session.post(url, timeout=2)
    assert seen == []
    session.mount("http://", GuardedAdapter((f"https://127.0.0.1:{port}",)))
    with pytest.raises(requests.ConnectionError):  # the listener hangs up at once
        session.post(f"http://127.0.0.1:{port}/", timeout=2)
    assert len(seen) == 1
