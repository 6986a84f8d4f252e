"""SMTP sink (aiosmtpd): accepts mail, records it as an inbox would show it.

Faults are taken per recipient at RCPT. Kinds answered at RCPT with that reply code:
"450", "451", "452", "550", "551", "553"; "421" answers and closes the connection;
"drop" closes it without a word. Kinds answered at DATA for that recipient's
message: "552", "554". STARTTLS and AUTH are offered when start_smtp is given a TLS
context and users, or TLS from the first byte (port 465 style) with implicit_tls (the
tests of the SMTP provider use that).
"""
import asyncio
import email
import ssl
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.sandbox.outbox import outbox

REPLIES = {
    "421": "421 4.3.2 Service not available, closing transmission channel",
    "450": "450 4.2.1 Mailbox unavailable, try again later",
    "451": "451 4.3.0 Local error in processing",
    "452": "452 4.5.3 Too many recipients / insufficient storage",
    "550": "550 5.1.1 User unknown",
    "551": "551 5.1.6 User not local",
    "552": "552 5.3.4 Message size exceeds fixed limit",
    "553": "553 5.1.3 Mailbox name not allowed",
    "554": "554 5.7.1 Message rejected as spam",
}
AT_DATA = {"552", "554"}
RAW_KEPT = 256 * 1024  # of each message's source, for the inbox's "raw" view


def inbox_view(data: bytes) -> dict:
    """Parse a received message into what an inbox shows: headers and both bodies."""
    message = email.message_from_bytes(data, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "subject": message["Subject"],
        "from": message["From"],
        "to": message["To"],
        "reply_to": message["Reply-To"],
        "message_id": message["Message-ID"],
        "date": message["Date"],
        "headers": {name: str(value) for name, value in message.items()},
        "content_type": message.get_content_type(),
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
    }


class Sink:
    """aiosmtpd handler: consult faults per recipient, record what was accepted."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        fault = outbox.take_fault("smtp", address)
        if fault is None or fault.kind in AT_DATA:
            if fault is not None:  # answered once the message arrives
                envelope.herald_faults = [*getattr(envelope, "herald_faults", []), fault.kind]
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            return "250 OK"
        if fault.kind == "drop":
            server.transport.abort()
            return "451 connection dropped"  # never reaches the client
        if fault.kind == "421":
            asyncio.get_running_loop().call_soon(server.transport.close)
        return REPLIES.get(fault.kind, f"{fault.kind} simulated failure")

    async def handle_DATA(self, server, session, envelope):
        faults = getattr(envelope, "herald_faults", None)
        if faults:
            return REPLIES.get(faults[0], f"{faults[0]} simulated failure")
        data = envelope.original_content or envelope.content
        view = inbox_view(data)
        raw = data[:RAW_KEPT].decode("utf-8", "replace")
        for recipient in envelope.rcpt_tos:
            outbox.record("smtp", recipient, view, mail_from=envelope.mail_from, raw=raw,
                          response={"status": 250, "body": "250 2.0.0 OK: queued"},
                          rcpt_tos=list(envelope.rcpt_tos),
                          tls=server.transport.get_extra_info("ssl_object") is not None,
                          authenticated=bool(session.authenticated), peer=list(session.peer))
        return "250 2.0.0 OK: queued"


def _authenticator(users: dict[str, str]):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and users.get(
            auth_data.login.decode()) == auth_data.password.decode()
        return AuthResult(success=ok)

    return check


def start_smtp(host: str, port: int, tls_context: ssl.SSLContext | None = None,
               users: dict[str, str] | None = None, implicit_tls: bool = False) -> Controller:
    """Start the sink on host:port; with a TLS context it requires STARTTLS, or with
    implicit_tls speaks TLS from the first byte."""
    options = {}
    if tls_context is not None and implicit_tls:
        # aiosmtpd only counts STARTTLS as encryption when it decides whether AUTH may go
        options.update(ssl_context=tls_context, auth_require_tls=False)
    elif tls_context is not None:
        options.update(tls_context=tls_context, require_starttls=True)
    if users:
        options.update(authenticator=_authenticator(users), auth_required=True)
    controller = Controller(Sink(), hostname=host, port=port, **options)
    controller.start()
    return controller
