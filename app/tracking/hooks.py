"""Provider webhooks: signatures and freshness verified against the raw request before
anything is trusted; every error is an RFC 9457 problem."""
import logging
from datetime import timedelta

from flask import Blueprint, abort, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from app import herald_config
from app.api.problems import handle_herald_error, handle_http_error
from app.channels.email import sendgrid
from app.core.delivery.receipts import (
    apply_receipts,
    apply_sms_keyword,
    sendgrid_receipt,
    twilio_receipt,
)
from app.core.delivery.webhooks import FUTURE_SKEW, MalformedWebhook, check_fresh
from app.core.errors import HeraldError
from app.extensions import db
from app.models.types import utcnow

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
bp.register_error_handler(HeraldError, handle_herald_error)
bp.register_error_handler(HTTPException, handle_http_error)
log = logging.getLogger(__name__)
MAX_SID = 64  # Twilio SIDs are 34 characters
MAX_NUMBER = 32  # E.164, a short code, or a channel prefix ("whatsapp:") and E.164


def _public_url() -> str:
    """The URL the provider called (behind a proxy, BASE_URL says what it was)."""
    query = request.query_string.decode()
    url = herald_config().BASE_URL.rstrip("/") + request.path
    return f"{url}?{query}" if query else url


def _verify_twilio() -> str:
    """Check the signature; return the message SID (what dedupes a Twilio webhook)."""
    validator = RequestValidator(herald_config().TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not validator.validate(_public_url(), request.form.to_dict(), signature):
        log.warning("rejected a Twilio webhook with a bad signature")
        abort(403, "The X-Twilio-Signature does not match the request")
    sid = request.form.get("MessageSid") or request.form.get("SmsSid") or ""
    if not 0 < len(sid) <= MAX_SID:
        raise MalformedWebhook("MessageSid is missing or too long")
    return sid


@bp.post("/twilio")
def twilio_status():
    """Twilio status callback: queued, sent, delivered, undelivered, failed."""
    _verify_twilio()
    receipt = twilio_receipt(request.form)
    if receipt is not None:
        keep = timedelta(days=herald_config().WEBHOOK_ID_RETENTION_DAYS)
        apply_receipts(db.session, "twilio", [receipt], keep)
    return "", 204


@bp.post("/twilio/inbound")
def twilio_inbound():
    """Inbound SMS: STOP suppresses the number, START lifts it; each message once."""
    sid = _verify_twilio()
    number = request.form.get("From", "")
    if not 0 < len(number) <= MAX_NUMBER:
        raise MalformedWebhook("From is missing or too long")
    apply_sms_keyword(db.session, number, request.form.get("Body", ""), sid)
    return "<Response/>", 200, {"Content-Type": "text/xml"}


@bp.post("/sendgrid")
def sendgrid_events():
    """SendGrid event webhook, signed with ECDSA over timestamp + raw body.

    Answers 200 whenever the signature and timestamp are good, so SendGrid does not
    retry a body forever for one bad event: bad events are refused one by one.
    """
    config = herald_config()
    if not config.SENDGRID_WEBHOOK_PUBLIC_KEY:
        abort(403, "SendGrid webhook verification key is not configured")
    timestamp = request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", "")
    if not sendgrid.signature_valid(
            config.SENDGRID_WEBHOOK_PUBLIC_KEY, request.get_data(),
            request.headers.get("X-Twilio-Email-Event-Webhook-Signature", ""), timestamp):
        abort(403, "The event webhook signature does not match the body")
    now, max_age = utcnow(), timedelta(seconds=config.WEBHOOK_MAX_AGE_SECONDS)
    check_fresh(timestamp, now, max_age)
    body = request.get_json(silent=True)
    if not isinstance(body, list):
        raise MalformedWebhook("The body is not a JSON array of events")
    events, refused = sendgrid.parse_events(body, now)
    if refused:
        log.warning("refused %d of %d SendGrid events: %s", len(refused), len(body), refused)
    receipts = [r for r in map(sendgrid_receipt, events) if r is not None]
    # An id needs remembering only while a replay of its body could still pass check_fresh.
    counts = apply_receipts(db.session, "sendgrid", receipts,
                            max_age + FUTURE_SKEW)
    return {"received": len(body), "refused": len(refused), **counts}, 200
