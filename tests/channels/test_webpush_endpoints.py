"""Web push endpoints workers may call: parser tricks, private addresses, DNS rebinding.

Each hostile endpoint aims at a local listening socket; the assertion that matters is that
the socket never sees a connection, whatever the provider answers.
"""
import socket

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
from tests.helpers.webpush import PARSER_TRICKS, PRIVATE_ORIGIN_TRICKS, hostile, local_listener


@pytest.fixture()
def listener():
    with local_listener() as port_and_seen:
        yield port_and_seen


@pytest.fixture()
def provider(config):
    instance = WebPushProvider(config)
    yield instance
    instance.close()


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


def send_to_allowed_name(config, monkeypatch):
    """Send one push to an allowed push-service name, whatever it resolves to."""
    monkeypatch.setattr(config, "WEBPUSH_ALLOWED_HOSTS", "push.example.com")
    guarded = WebPushProvider(config)
    try:
        [result] = guarded.send_batch([web_push("https://push.example.com/wp/x")])
    finally:
        guarded.close()
    return result


@pytest.mark.parametrize("addresses", [
    ["127.0.0.1"], ["10.0.0.7"], ["169.254.169.254"], ["::1"], ["::ffff:127.0.0.1"],
    ["142.250.74.106", "127.0.0.1"],  # one bad answer among good ones is enough
])
def test_an_allowed_name_resolving_to_a_private_address_is_refused(
        config, monkeypatch, resolver, addresses):
    answers, lookups, connects = resolver
    answers.append(addresses)
    result = send_to_allowed_name(config, monkeypatch)
    assert (type(result.error), result.error.code) == (InvalidRecipient, "private_address")
    assert connects == []


def test_the_connection_goes_to_the_address_checked_not_a_second_lookup(
        config, monkeypatch, resolver):
    answers, lookups, connects = resolver
    answers += [["142.250.74.106"], ["127.0.0.1"]]  # a rebinding server's two answers
    result = send_to_allowed_name(config, monkeypatch)
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
