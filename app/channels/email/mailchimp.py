"""Mailchimp Transactional (Mandrill) messages/send through the official SDK.

One request per message (each carries its own List-Unsubscribe header and our
notification id in `metadata.herald_id`), run concurrently by the provider pool. The
answer is a list with one entry per recipient: `sent`, `queued` and `scheduled` are
accepted; `rejected` carries a reject_reason (hard-bounce, spam, unsub: the address is
dead to us; soft-bounce: try later; others are our account's problem), `invalid` a bad
address. Errors come back as HTTP 500 with `{"status": "error", "name": ...}`; the SDK
raises ApiClientError with the parsed JSON (or text) and the status.

Webhooks (/hooks/mailchimp) are signed with the webhook's key (HERALD_MAILCHIMP_WEBHOOK_KEY)
over the URL and form; delivered, bounces, rejects, spam complaints, unsubscribes, opens
and clicks become receipts (app.channels.email.mailchimp_events).
"""
import json
import logging
from datetime import timedelta
from email.utils import parseaddr

import mailchimp_transactional
import requests
from mailchimp_transactional.api_client import ApiClientError

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    SendResult,
    TransientError,
    classify_http,
)
from app.channels.email.content import email_parts
from app.channels.email.mailchimp_events import read_event, signature_valid
from app.channels.webhooks import ForbiddenWebhook, Incoming, MalformedWebhook, WebhookReport

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
ACCEPTED = {"sent", "queued", "scheduled"}
# reject_reason → the suppression reason (the address must not be mailed again).
DEAD_ADDRESS = {"hard-bounce": "hard_bounce", "spam": "complaint", "unsub": "unsubscribed",
                "invalid": "invalid_recipient"}
RETRY_LATER = {"soft-bounce"}
# Error names (HTTP 500): the service's own trouble is transient, the rest is ours.
TRANSIENT_NAMES = {"GeneralError", "ServiceUnavailable"}


def build_body(message: Message, default_from: str) -> dict:
    """The messages/send body (without the key, which the SDK adds) for one Message."""
    parts = email_parts(message, default_from)
    from_name, from_email = parseaddr(parts.from_email)
    body = {"to": [{"email": parts.to, "type": "to"}], "from_email": from_email,
            "subject": parts.subject, "text": parts.text,
            "metadata": {"herald_id": message.id}, "preserve_recipients": False}
    if from_name:
        body["from_name"] = from_name
    if parts.html:
        body["html"] = parts.html
    headers = dict(parts.headers)
    if parts.reply_to:
        headers["Reply-To"] = parts.reply_to
    if headers:
        body["headers"] = headers
    if message.category:
        body["tags"] = [message.category]
    return {"message": body}


def api_error(exc: ApiClientError) -> ProviderError:
    """Map an error answer: Mandrill's named errors, or the HTTP status of anything else."""
    body = exc.text if isinstance(exc.text, dict) else {}
    name, text = body.get("name"), body.get("message") or str(exc.text)[:200]
    if body.get("status") == "error" and name:
        kind = TransientError if name in TRANSIENT_NAMES else PermanentError
        return kind(f"Mailchimp {exc.status_code} {name}: {text}", code=name,
                    response=str(exc.text)[:2000])
    return classify_http(exc.status_code, None, str(exc.text),
                         message=f"Mailchimp {exc.status_code}: {text}")


def recipient_result(message: Message, answer: dict) -> SendResult:
    """Read one recipient's entry of the messages/send answer."""
    status, reason = answer.get("status"), answer.get("reject_reason") or ""
    if status in ACCEPTED:
        return SendResult(message.id, provider_message_id=answer.get("_id"),
                          detail={"status": status})
    text = f"Mailchimp {status}: {reason or 'no reason given'}"
    if status == "invalid":
        return SendResult(message.id, error=InvalidRecipient(text, code="invalid"))
    if reason in DEAD_ADDRESS:
        return SendResult(message.id, error=InvalidRecipient(
            text, reason=DEAD_ADDRESS[reason], code=reason))
    if reason in RETRY_LATER:
        return SendResult(message.id, error=TransientError(text, code=reason))
    return SendResult(message.id, error=PermanentError(text, code=reason or str(status)))


class MailchimpProvider(Provider):
    name = "mailchimp"
    channel = "email"
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.client = mailchimp_transactional.Client(config.MAILCHIMP_API_KEY)
        self.client.api_client.host = f"{config.MAILCHIMP_URL.rstrip('/')}/api/1.3"
        self.client.api_client.set_timeout(TIMEOUT_SECONDS)  # 300 s by default

    webhooks = ("",)

    @classmethod
    def verify_webhook(cls, config, incoming: Incoming, hook: str) -> None:
        """Check X-Mandrill-Signature over the URL and the form, with the webhook's key."""
        if not config.MAILCHIMP_WEBHOOK_KEY:
            raise ForbiddenWebhook("The Mailchimp webhook key is not configured")
        if not signature_valid(config.MAILCHIMP_WEBHOOK_KEY, incoming.url, dict(incoming.form),
                               incoming.headers.get("X-Mandrill-Signature", "")):
            log.warning("rejected a Mailchimp webhook with a bad signature")
            raise ForbiddenWebhook("The X-Mandrill-Signature does not match the request")

    @classmethod
    def parse_webhook(cls, config, incoming: Incoming, hook: str) -> WebhookReport:
        """Read each event on its own; a bad one is refused, the others applied."""
        try:
            events = json.loads(incoming.form.get("mandrill_events", ""))
        except ValueError:
            raise MalformedWebhook("mandrill_events is not JSON") from None
        if not isinstance(events, list):
            raise MalformedWebhook("mandrill_events is not a JSON array")
        receipts, refused = [], []
        for index, raw in enumerate(events):
            receipt, problem = read_event(raw, incoming.now)
            if problem:
                refused.append({"index": index, "fields": [problem]})
            elif receipt:
                receipts.append(receipt)
        return WebhookReport(receipts=receipts, received=len(events), refused=refused,
                             keep_ids_for=timedelta(days=config.WEBHOOK_ID_RETENTION_DAYS))

    def send_one(self, message: Message) -> SendResult:
        try:
            body = build_body(message, self.config.EMAIL_FROM)
        except PermanentError as exc:
            return SendResult(message.id, error=exc)
        try:
            answer = self.client.messages.send(body)
        except ApiClientError as exc:
            return SendResult(message.id, error=api_error(exc))
        except requests.RequestException as exc:
            error = TransientError(f"Mailchimp unreachable: {exc}", code="connection_error")
            return SendResult(message.id, error=error)
        # An answer without a JSON body comes back as the raw response.
        if isinstance(answer, requests.Response):
            return SendResult(message.id, error=classify_http(
                answer.status_code if not answer.ok else 502, answer.headers, answer.text,
                message=f"Mailchimp {answer.status_code}: no JSON answer"))
        mine = [a for a in answer if isinstance(a, dict)
                and str(a.get("email", "")).lower() == message.to.lower()]
        if not mine:
            error = TransientError("Mailchimp answered without this recipient",
                                   code="no_answer", response=str(answer)[:2000])
            return SendResult(message.id, error=error)
        return recipient_result(message, mine[0])
