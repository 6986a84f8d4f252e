"""SMTP: reply codes mapped at the simulator; relays over TLS (implicit, port 465 style,
and STARTTLS), with AUTH."""
import ssl

import pytest

from app.channels.base import InvalidRecipient, Message, PermanentError, TransientError
from app.channels.email.content import email_parts
from app.channels.email.smtp import SmtpProvider, build_email, tls_mode
from app.config import Config
from app.sandbox.certs import ensure_certificate
from app.sandbox.outbox import outbox
from app.sandbox.smtp import start_smtp
from tests.channels.support import (
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
)
from tests.sandbox_client import free_port

EMAIL = {"subject": "Your code", "text": "123456", "html": "<p>123456</p>"}
USERS = {"herald": "relay-password"}


@cases("smtp", [
    ("450", TransientError, "450"),
    ("451", TransientError, "451"),
    ("421", TransientError, "421"),
    ("550", InvalidRecipient, "550"),
    ("553", InvalidRecipient, "553"),
    ("554", PermanentError, "554"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["smtp"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox, fault="451")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    cert = tmp_path_factory.mktemp("smtp-tls") / "relay.pem"
    ensure_certificate(cert, cert.with_suffix(".key"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, cert.with_suffix(".key"))
    return cert, context


@pytest.fixture()
def relay(certificate, request):
    """A relay on a free port: TLS from the first byte, or STARTTLS (param)."""
    _, context = certificate
    port = free_port()
    server = start_smtp("127.0.0.1", port, context, USERS, implicit_tls=request.param)
    outbox.reset()
    yield port
    server.stop()
    outbox.reset()


def send(port: int, cert, **settings):
    config = Config(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_CA_FILE=str(cert),
                    SMTP_USERNAME="herald", SMTP_PASSWORD=USERS["herald"],
                    EMAIL_FROM="Herald <no-reply@example.com>", **settings)
    [result] = SmtpProvider(config).send_batch(
        [Message("n-1", "email", "ada@example.com", EMAIL)])
    return result


@pytest.mark.parametrize("relay", [True], indirect=True)
def test_implicit_tls_relay_receives_the_message(relay, certificate):
    result = send(relay, certificate[0], SMTP_TLS="implicit")
    assert result.ok, result.error
    [received] = outbox.entries("smtp")
    assert received["recipient"] == "ada@example.com"
    assert received["payload"]["subject"] == "Your code"
    assert received["tls"] and received["authenticated"]


@pytest.mark.parametrize("relay", [False], indirect=True)
def test_starttls_relay_receives_the_message(relay, certificate):
    result = send(relay, certificate[0], SMTP_TLS="starttls")
    assert result.ok, result.error
    [received] = outbox.entries("smtp")
    assert received["tls"] and received["authenticated"]


@pytest.mark.parametrize("relay", [True], indirect=True)
def test_implicit_tls_checks_the_relays_certificate(relay, tmp_path):
    other = tmp_path / "other-ca.pem"
    ensure_certificate(other, other.with_suffix(".key"))
    result = send(relay, other, SMTP_TLS="implicit")
    assert isinstance(result.error, PermanentError) and result.error.code == "smtp_config"
    assert outbox.entries("smtp") == []


@pytest.mark.parametrize("port, setting, mode", [
    (465, "auto", "implicit"), (587, "auto", "auto"), (2465, "implicit", "implicit"),
    (465, "starttls", "starttls"), (25, "none", "none"),
])
def test_port_465_means_implicit_tls_unless_told_otherwise(port, setting, mode):
    assert tls_mode(Config(SMTP_PORT=port, SMTP_TLS=setting)) == mode


def test_a_long_list_unsubscribe_header_goes_out_as_a_plain_url():
    """Folded at 78 characters, the URL would become RFC 2047 encoded-words."""
    value = (f"<https://herald.example/u/{'t' * 90}>, "
             f"<mailto:unsubscribe@example.com?subject=unsubscribe%20{'t' * 90}>")
    message = Message("id-1", "email", "ada@example.com",
                      {**EMAIL, "headers": {"List-Unsubscribe": value}})
    raw = build_email(message, email_parts(message, "a@example.com"), "example.com").as_bytes()
    assert f"\nList-Unsubscribe: {value}\n".encode() in raw.replace(b"\r\n", b"\n")
    assert b"=?utf-8?" not in raw
