"""Twilio Programmable Messaging through the official SDK, one request per message.

Twilio has no batch send: one request per message, run concurrently by the provider
pool (up to `concurrency`) on one SDK client and one pooled HTTP session. Pacing lives
above this module.

Webhooks, signed with the auth token (X-Twilio-Signature over the URL and the form):
/hooks/twilio takes status callbacks, /hooks/twilio/inbound inbound SMS (STOP, START, and
HELP, answered in TwiML).
"""
import logging
import threading
from datetime import timedelta
from html import escape

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from app.channels.base import (
    InvalidRecipient,
    Message,
    Provider,
    ProviderError,
    SendResult,
    TransientError,
    classify_http,
)
from app.channels.webhooks import (
    ForbiddenWebhook,
    InboundSms,
    Incoming,
    MalformedWebhook,
    Receipt,
    WebhookReport,
)
from app.models.notifications import Status

DELIVERED, FAILED = Status.DELIVERED, Status.FAILED
log = logging.getLogger(__name__)

# 21211 invalid To, 21614 not a mobile number, 21610 the recipient replied STOP.
INVALID_RECIPIENT = {21211, 21610, 21614}
REPLIED_STOP = 21610
RATE_LIMITED = 20429
TIMEOUT_SECONDS = 15
# Status callbacks: the statuses that change something, as our status and event kind.
STATUSES = {"delivered": (DELIVERED, "delivered"), "undelivered": (FAILED, "bounced"),
            "failed": (FAILED, "bounced")}
# Carrier errors that mean the number can never receive SMS (unknown, landline); others
# (unreachable handset 30003, carrier filtering 30007, unknown 30008) fail one message only.
DEAD_NUMBER_ERRORS = {"30005", "30006"}
MAX_SID = 64  # Twilio SIDs are 34 characters
MAX_NUMBER = 32  # E.164, a short code, or a channel prefix ("whatsapp:") and E.164
TWIML_EMPTY = ("<Response/>", 200, {"Content-Type": "text/xml"})


class SharedSessionClient(HttpClient):
    """A thread-safe HttpClient for the SDK: one pooled session, per-thread last response.

    The SDK's own TwilioHttpClient keeps the last response on the instance, which
    concurrent threads would overwrite; we also need its headers (Retry-After), which
    TwilioRestException does not carry.
    """

    def __init__(self, pool_size: int, timeout: float):
        super().__init__(log, is_async=False, timeout=timeout)
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._local = threading.local()

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        """Send one request on the shared session and remember its response per thread."""
        self._local.response = None
        raw = self.session.request(
            method.upper(), url, params=params, data=data, headers=headers, auth=auth,
            timeout=timeout or self.timeout, allow_redirects=allow_redirects,
        )
        self._local.response = Response(raw.status_code, raw.text, raw.headers)
        return self._local.response

    @property
    def last_response(self) -> Response | None:
        """The last response this thread received."""
        return getattr(self._local, "response", None)

    def close(self) -> None:
        self.session.close()


class TwilioProvider(Provider):
    name = "twilio"
    channel = "sms"
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.http = SharedSessionClient(self.concurrency, TIMEOUT_SECONDS)
        # environment={} so TWILIO_REGION / TWILIO_EDGE cannot rewrite the host.
        self.client = Client(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN,
                             http_client=self.http, environment={})
        self.client.api.base_url = config.TWILIO_URL.rstrip("/")
        self.status_callback = f"{config.BASE_URL.rstrip('/')}/hooks/twilio"

    def _sender(self) -> dict:
        sender = self.config.TWILIO_FROM
        if sender.startswith("MG"):  # a Messaging Service picks the number itself
            return {"messaging_service_sid": sender}
        return {"from_": sender}

    def rate_key(self) -> str:
        """Twilio limits messages per second per sender (number or Messaging Service)."""
        return f"twilio:{self.config.TWILIO_FROM}"

    def send_one(self, message: Message) -> SendResult:
        """Create one message; its status comes back on the status callback."""
        try:
            created = self.client.messages.create(
                to=message.to, body=message.content.get("text", ""),
                status_callback=self.status_callback, **self._sender(),
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            return SendResult(message.id, error=self._classify(exc))
        except requests.RequestException as exc:
            error = TransientError(f"Twilio unreachable: {exc}", code="connection_error")
            return SendResult(message.id, error=error)
        detail = {"status": created.status, "segments": created.num_segments}
        return SendResult(message.id, provider_message_id=created.sid, detail=detail)

    def _classify(self, exc) -> ProviderError:
        status, code = int(exc.status), exc.code
        text = getattr(exc, "msg", None) or getattr(exc, "detail", None) or exc.title
        response = self.http.last_response
        message = f"Twilio {status} ({code}): {text}"
        if code in INVALID_RECIPIENT:
            reason = "stop" if code == REPLIED_STOP else "invalid_recipient"
            return InvalidRecipient(message, reason=reason, code=str(code),
                                    response=response.text if response else None)
        return classify_http(429 if code == RATE_LIMITED else status,
                             response.headers if response else {},
                             response.text if response else "",
                             code=str(code or status), message=message)

    def close(self) -> None:
        self.http.close()

    webhooks = ("", "inbound")

    @classmethod
    def verify_webhook(cls, config, incoming: Incoming, hook: str) -> None:
        """Check the signature and that the request names a message."""
        validator = RequestValidator(config.TWILIO_AUTH_TOKEN)
        signature = incoming.headers.get("X-Twilio-Signature", "")
        if not validator.validate(incoming.url, dict(incoming.form), signature):
            log.warning("rejected a Twilio webhook with a bad signature")
            raise ForbiddenWebhook("The X-Twilio-Signature does not match the request")
        if not 0 < len(_sid(incoming.form)) <= MAX_SID:
            raise MalformedWebhook("MessageSid is missing or too long")

    @classmethod
    def parse_webhook(cls, config, incoming: Incoming, hook: str) -> WebhookReport:
        """A status callback as a receipt, or an inbound SMS (the SID is what dedupes it)."""
        form = incoming.form
        if hook == "inbound":
            number = form.get("From", "")
            if not 0 < len(number) <= MAX_NUMBER:
                raise MalformedWebhook("From is missing or too long")
            sms = InboundSms(number, form.get("Body", ""), _sid(form))
            return WebhookReport(inbound=[sms], received=1, reply=TWIML_EMPTY)
        receipt = status_receipt(form)
        return WebhookReport(receipts=[receipt] if receipt else [], received=1,
                             keep_ids_for=timedelta(days=config.WEBHOOK_ID_RETENTION_DAYS),
                             reply=("", 204, {}))

    @classmethod
    def sms_reply(cls, text: str) -> tuple:
        """TwiML that answers the inbound message with `text`."""
        return (f"<Response><Message>{escape(text)}</Message></Response>", 200,
                {"Content-Type": "text/xml"})


def _sid(form) -> str:
    return form.get("MessageSid") or form.get("SmsSid") or ""


def status_receipt(form) -> Receipt | None:
    """Read a status callback; None for statuses that change nothing (queued, sent)."""
    mapped = STATUSES.get(form.get("MessageStatus", ""))
    if mapped is None:
        return None
    status, kind = mapped
    error_code = form.get("ErrorCode") or None
    dead = kind == "bounced" and error_code in DEAD_NUMBER_ERRORS
    if kind == "bounced" and not dead:
        kind = "undelivered"
    sid = _sid(form) or None
    return Receipt(status, kind, provider_message_id=sid, error_code=error_code,
                   event_id=f"{sid}:{form['MessageStatus']}",
                   suppress="hard_bounce" if dead else None)
