"""Provider webhooks: signatures verified against the raw request before anything is trusted."""
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, request
from sendgrid.helpers.eventwebhook import EventWebhook
from twilio.request_validator import RequestValidator

from app import herald_config
from app.core.receipts import (
    SENDGRID,
    Receipt,
    apply_receipts,
    apply_sms_keyword,
    twilio_receipt,
)
from app.extensions import db

bp = Blueprint("hooks", __name__, url_prefix="/hooks")


def _public_url() -> str:
    """The URL the provider called (behind a proxy, BASE_URL says what it was)."""
    query = request.query_string.decode()
    url = herald_config().BASE_URL.rstrip("/") + request.path
    return f"{url}?{query}" if query else url


def _verify_twilio() -> None:
    validator = RequestValidator(herald_config().TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not validator.validate(_public_url(), request.form.to_dict(), signature):
        current_app.logger.warning("rejected a Twilio webhook with a bad signature")
        abort(403)


@bp.post("/twilio")
def twilio_status():
    """Twilio status callback: queued, sent, delivered, undelivered, failed."""
    _verify_twilio()
    receipt = twilio_receipt(request.form)
    if receipt is not None:
        apply_receipts(db.session, [receipt])
    return "", 204


@bp.post("/twilio/inbound")
def twilio_inbound():
    """Inbound SMS: STOP suppresses the number, START lifts it."""
    _verify_twilio()
    apply_sms_keyword(db.session, request.form.get("From", ""), request.form.get("Body", ""))
    return "<Response/>", 200, {"Content-Type": "text/xml"}


@bp.post("/sendgrid")
def sendgrid_events():
    """SendGrid event webhook, signed with ECDSA over timestamp + raw body."""
    key = herald_config().SENDGRID_WEBHOOK_PUBLIC_KEY
    if not key:
        abort(403, "SendGrid webhook verification key is not configured")
    hook = EventWebhook()
    verified = hook.verify_signature(
        request.get_data(as_text=True),
        request.headers.get("X-Twilio-Email-Event-Webhook-Signature", ""),
        request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", ""),
        hook.convert_public_key_to_ecdsa(key),
    )
    if not verified:
        abort(403)
    events = request.get_json(silent=True)
    if not isinstance(events, list):
        abort(400)
    receipts = [
        Receipt(*SENDGRID[e["event"]], notification_id=e.get("herald_id"),
                provider_message_id=(e.get("sg_message_id") or "").split(".")[0] or None,
                error_code=e.get("status") or e.get("type"), url=e.get("url"),
                at=datetime.fromtimestamp(e["timestamp"], UTC)
                if isinstance(e.get("timestamp"), int) else None)
        for e in events if isinstance(e, dict) and e.get("event") in SENDGRID
    ]
    apply_receipts(db.session, receipts)
    return "", 204
