"""Email over any SMTP relay with the standard library.

One connection per batch (`send_message` in a loop). TLS per HERALD_SMTP_TLS: implicit
(port 465 by default), STARTTLS required, STARTTLS when offered (auto, other ports), or
none; the relay's certificate is checked against HERALD_SMTP_CA_FILE or the system
roots. AUTH when configured. Reply codes: 4xx transient; 5xx permanent; 550/551/553
at RCPT (or any 5.1.x status) mean the mailbox is dead, so the address is suppressed.
If the connection drops (or the server closes it with a 421) we reconnect and resend
the message in flight; if the new connection fails before any message gets an answer,
the rest of the batch fails transiently, for the retry machinery above us.
"""
import re
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    Run,
    SendResult,
    TransientError,
    run_in_turn,
)
from app.channels.email.content import EmailParts, email_parts

TIMEOUT_SECONDS = 30
IMPLICIT_TLS_PORT = 465  # TLS from the first byte; 587 and 25 upgrade with STARTTLS
DEAD_MAILBOX_CODES = {550, 551, 553}
DEAD_MAILBOX_STATUS = re.compile(r"\b5\.1\.\d\b")  # RFC 3463: bad destination address
HEADER_POLICY = policy.default.clone(max_line_length=998)
# Losing the connection: reconnect and carry on with the same message.
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


def build_email(message: Message, parts: EmailParts, domain: str) -> EmailMessage:
    """A MIME message: text, plus HTML as an alternative; non-ASCII headers get encoded."""
    mail = EmailMessage()  # policy.default: RFC 2047-encodes non-ASCII header text
    mail["From"] = parts.from_email
    mail["To"] = parts.to
    mail["Subject"] = parts.subject
    if parts.reply_to:
        mail["Reply-To"] = parts.reply_to
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=domain)  # a domain avoids a slow getfqdn()
    mail["X-Herald-Id"] = message.id
    for name, value in parts.headers.items():
        mail[name] = value
    if parts.text:
        mail.set_content(parts.text)
        if parts.html:
            mail.add_alternative(parts.html, subtype="html")
    else:
        mail.set_content(parts.html, subtype="html")
    # Headers are sent unfolded up to RFC 5322's 998 characters: folded at 78, a longer
    # word (a List-Unsubscribe URL) becomes RFC 2047 encoded-words, which no mail client
    # reads as a URL. The body was encoded above, under the default policy.
    mail.policy = HEADER_POLICY
    return mail


def reply_error(code: int, text: str | bytes, at_rcpt: bool = False) -> ProviderError:
    """Map an SMTP reply to our error tree."""
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    message = f"SMTP {code} {text}"
    kw = {"code": str(code), "response": text[:2000]}
    if 400 <= code < 500:
        return TransientError(message, **kw)
    if (at_rcpt and code in DEAD_MAILBOX_CODES) or DEAD_MAILBOX_STATUS.search(text):
        return InvalidRecipient(message, **kw)
    return PermanentError(message, **kw)


def tls_mode(config) -> str:
    """HERALD_SMTP_TLS, with auto meaning implicit TLS on port 465 (SMTPS, RFC 8314)."""
    if config.SMTP_TLS == "auto" and config.SMTP_PORT == IMPLICIT_TLS_PORT:
        return "implicit"
    return config.SMTP_TLS


class SmtpProvider(Provider):
    name = "smtp"
    channel = "email"

    def __init__(self, config):
        super().__init__(config)
        self.local_hostname = urlsplit(config.BASE_URL).hostname or "localhost"

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        mode = tls_mode(config)
        context = None if mode == "none" else ssl.create_default_context(
            cafile=config.SMTP_CA_FILE or None)
        options = {"timeout": TIMEOUT_SECONDS, "local_hostname": self.local_hostname}
        if mode == "implicit":
            conn = smtplib.SMTP_SSL(config.SMTP_HOST, config.SMTP_PORT, context=context, **options)
        else:
            conn = smtplib.SMTP(config.SMTP_HOST, config.SMTP_PORT, **options)
        try:
            conn.ehlo()
            if mode == "starttls" or (mode == "auto" and conn.has_extn("starttls")):
                conn.starttls(context=context)
                conn.ehlo()
            if config.SMTP_USERNAME:
                conn.login(config.SMTP_USERNAME, config.SMTP_PASSWORD)
        except BaseException:
            conn.close()
            raise
        return conn

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Send every message on one connection, in turn; results come back in input order."""
        results: list[SendResult] = []
        pending = list(messages)
        conn, reconnects = None, 1
        while pending:
            try:
                conn = conn or self._connect()
                while pending:
                    results.append(self._send_one(conn, pending[0]))
                    pending.pop(0)
                    reconnects = 1  # progress: a later drop may reconnect again
            except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError,
                    ssl.SSLCertVerificationError) as exc:
                error = PermanentError(f"SMTP misconfigured: {exc}", code="smtp_config")
                return results + [SendResult(m.id, error=error) for m in pending]
            except (*CONNECTION_ERRORS, smtplib.SMTPResponseException) as exc:
                # A 4xx/5xx greeting or EHLO counts as a lost connection too.
                conn = self._close(conn, polite=False)
                if reconnects == 0:
                    error = TransientError(f"SMTP connection lost: {exc!r}", code="connection")
                    return results + [SendResult(m.id, error=error) for m in pending]
                reconnects -= 1
        self._close(conn, polite=True)
        return results

    def _send_one(self, conn: smtplib.SMTP, message: Message) -> SendResult:
        """Send one message; reply errors become results, a lost connection is raised."""
        try:
            parts = email_parts(message, self.config.EMAIL_FROM)
            sender = parts.from_address
            mail = build_email(message, parts, sender.rpartition("@")[2] or "localhost")
        except (PermanentError, ValueError) as exc:
            error = exc if isinstance(exc, PermanentError) else PermanentError(
                f"cannot build the email: {exc}", code="bad_content")
            return SendResult(message.id, error=error)
        try:
            conn.send_message(mail, from_addr=sender, to_addrs=[message.to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return SendResult(message.id, error=reply_error(code, text, at_rcpt=True))
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return SendResult(message.id, error=reply_error(exc.smtp_code, exc.smtp_error))
        except smtplib.SMTPNotSupportedError as exc:  # e.g. an address that needs SMTPUTF8
            return SendResult(message.id, error=PermanentError(f"SMTP: {exc}", code="smtputf8"))
        return SendResult(message.id, provider_message_id=mail["Message-ID"])

    @staticmethod
    def _close(conn: smtplib.SMTP | None, polite: bool) -> None:
        if conn is None:
            return None
        try:
            if polite:
                conn.quit()
            else:
                conn.close()
        except (smtplib.SMTPException, OSError):
            conn.close()
        return None
