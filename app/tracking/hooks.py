"""Provider webhooks, one view for all: the provider verifies the raw request (signature,
freshness) before anything is trusted and reads it into neutral receipts, which core
applies; every error is an RFC 9457 problem."""
from flask import Blueprint, abort, request
from werkzeug.exceptions import HTTPException

from app import herald_config, provider_config
from app.api.problems import handle_herald_error, handle_http_error
from app.channels.registry import WEBHOOKS, webhook_provider
from app.channels.webhooks import Incoming
from app.core.delivery.receipts import apply_receipts, apply_sms_keyword
from app.errors import HeraldError
from app.extensions import db
from app.models.types import utcnow

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
bp.register_error_handler(HeraldError, handle_herald_error)
bp.register_error_handler(HTTPException, handle_http_error)


def _public_url() -> str:
    """The URL the provider called (behind a proxy, BASE_URL says what it was)."""
    query = request.query_string.decode()
    url = herald_config().BASE_URL.rstrip("/") + request.path
    return f"{url}?{query}" if query else url


# Only providers that post webhooks have a route: any other /hooks/ path is a plain 404.
_PROVIDER = f"<any({', '.join(WEBHOOKS)}):provider>"


@bp.post(f"/{_PROVIDER}", defaults={"hook": ""})
@bp.post(f"/{_PROVIDER}/<hook>")
def provider_hook(provider: str, hook: str):
    """Verify, read and apply one webhook: /hooks/twilio (status callbacks),
    /hooks/twilio/inbound (STOP/START/HELP), /hooks/sendgrid (Event Webhook)."""
    handler = webhook_provider(provider, hook)
    if handler is None:
        abort(404)
    config = provider_config()  # webhook secrets may be stored in the console
    incoming = Incoming(url=_public_url(), headers=request.headers,
                        form=request.form.to_dict(), body=request.get_data(),
                        now=utcnow(), json=request.get_json(silent=True))
    handler.verify_webhook(config, incoming, hook)
    report = handler.parse_webhook(config, incoming, hook)
    counts = {"matched": 0, "duplicates": 0}
    if report.receipts:
        counts = apply_receipts(db.session, provider, report.receipts, report.keep_ids_for)
    for sms in report.inbound:
        done = apply_sms_keyword(db.session, provider, sms.number, sms.body, sms.message_id)
        if done == "help" and handler.sms_reply(config.SMS_HELP_TEXT) is not None:
            return handler.sms_reply(config.SMS_HELP_TEXT)
    if report.reply is not None:
        return report.reply
    return {"received": report.received, "refused": len(report.refused), **counts}, 200
