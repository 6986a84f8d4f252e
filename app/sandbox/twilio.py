"""Twilio Programmable Messaging simulator: POST /2010-04-01/Accounts/{sid}/Messages.json.

Validates the request as Twilio does (Basic auth, E.164 `To`, a sender, `Body` length)
and answers with Twilio's message resource or its error JSON. Fault kinds are Twilio
error codes ("21211", "21610", "21614", "21408", any other 21xxx/30xxx code), "429"
(code 20429 with Retry-After) or an HTTP 5xx status ("500", "503", ...). Carrier errors
(30003 unreachable, 30005 unknown, 30006 landline, 30007 filtered, 30008 unknown) are
accepted with 201 and reported later, as Twilio does, by an "undelivered" status callback.

With status callbacks on (`python -m app.sandbox --callbacks`, as `make run` starts it),
each accepted message's StatusCallback URL is called with "sent" then "delivered" (or
"undelivered"), signed with X-Twilio-Signature under the caller's auth token.
"""
import asyncio
import base64
import binascii
import logging
import re
import secrets
import time
from email.utils import formatdate

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from app.channels.sms.parts import count
from app.sandbox.outbox import Fault, outbox

log = logging.getLogger(__name__)
CARRIER_ERRORS = {"30003", "30005", "30006", "30007", "30008"}
CALLBACK_DELAY_SECONDS = 0.5
settings = {"callbacks": False}  # set by `python -m app.sandbox --callbacks`

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_BODY = 1600
MESSAGES = {
    20003: "Authenticate",
    20429: "Too Many Requests",
    21211: "The 'To' number {to} is not a valid phone number.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the "
           "'To' number: {to}.",
    21602: "Message body is required.",
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    21604: "A 'To' phone number is required.",
    21609: "Invalid StatusCallback url",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    20500: "An internal server error has occurred",
    20503: "Service Unavailable",
}


def error(status: int, code: int, to: str = "", headers: dict | None = None) -> JSONResponse:
    """Answer with Twilio's error JSON."""
    message = MESSAGES.get(code, "An error occurred").format(to=to)
    body = {"code": code, "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    return JSONResponse(body, status_code=status, headers=headers)


def _basic_auth(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep and user and password else None


def _invalid(form, account_sid: str, auth) -> JSONResponse | None:
    """Return Twilio's answer to a request it would reject, or None."""
    if auth is None or not (auth[0] == account_sid or auth[0].startswith("SK")):
        return error(401, 20003)
    to = form.get("To", "")
    if not to:
        return error(400, 21604)
    if not E164.match(to):
        return error(400, 21211, to)
    if not form.get("From") and not form.get("MessagingServiceSid"):
        return error(400, 21603)
    if not form.get("Body") and not form.get("MediaUrl"):
        return error(400, 21602)
    if len(form.get("Body", "")) > MAX_BODY:
        return error(400, 21617)
    callback = form.get("StatusCallback", "")
    if callback and not re.match(r"^https?://[^/\s]+", callback):
        return error(400, 21609)
    return None


def _fault_response(fault: Fault, to: str) -> JSONResponse:
    if fault.kind == "429":
        retry_after = 1 if fault.retry_after is None else fault.retry_after
        return error(429, 20429, headers={"Retry-After": str(retry_after)})
    status = int(fault.kind) if fault.kind.isdigit() else 500
    if 500 <= status < 600:
        return error(status, 20000 + status)
    return error(400, status, to)


def _resource(form, account_sid: str, sid: str) -> dict:
    body = form.get("Body", "")
    now = formatdate(usegmt=True)
    uri = f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}"
    return {
        "account_sid": account_sid, "api_version": "2010-04-01", "body": body,
        "date_created": now, "date_updated": now, "date_sent": None,
        "direction": "outbound-api", "error_code": None, "error_message": None,
        "from": form.get("From") or None,
        "messaging_service_sid": form.get("MessagingServiceSid") or None,
        "num_media": str(len(form.getlist("MediaUrl"))),
        "num_segments": str(max(count(body)[1], 1)), "price": None, "price_unit": "USD",
        "sid": sid, "status": "accepted" if form.get("MessagingServiceSid") else "queued",
        "subresource_uris": {"media": f"{uri}/Media.json"}, "to": form["To"],
        "uri": f"{uri}.json",
    }


async def create_message(request: Request) -> JSONResponse:
    account_sid = request.path_params["sid"]
    form = await request.form()
    rejected = _invalid(form, account_sid, _basic_auth(request))
    if rejected is not None:
        return rejected
    fault = await outbox.answer_fault("twilio", form["To"])
    carrier_error = fault.kind if fault is not None and fault.kind in CARRIER_ERRORS else None
    if fault is not None and carrier_error is None:
        return _fault_response(fault, form["To"])
    sid = "SM" + secrets.token_hex(16)
    resource = _resource(form, account_sid, sid)
    encoding, segments, _ = count(resource["body"])
    entry = outbox.record("twilio", form["To"], dict(form), sid=sid, encoding=encoding,
                          segments=segments, response={"status": 201, "body": resource})
    callback = form.get("StatusCallback")
    task = None
    if callback and settings["callbacks"]:
        task = BackgroundTask(report_status, callback, _basic_auth(request)[1], resource,
                              carrier_error, entry["id"])
    return JSONResponse(resource, status_code=201, background=task)


async def report_status(url: str, auth_token: str, resource: dict,
                        carrier_error: str | None, entry_id: int = 0) -> None:
    """Call the StatusCallback as Twilio does: "sent", then the carrier's verdict."""
    final = ("undelivered", carrier_error) if carrier_error else ("delivered", None)
    validator = RequestValidator(auth_token)
    async with httpx.AsyncClient(timeout=5) as client:
        for status, error_code in (("sent", None), final):
            await asyncio.sleep(CALLBACK_DELAY_SECONDS)
            params = {"AccountSid": resource["account_sid"], "MessageSid": resource["sid"],
                      "SmsSid": resource["sid"], "MessageStatus": status, "SmsStatus": status,
                      "To": resource["to"], "From": resource["from"] or "",
                      "ApiVersion": "2010-04-01"}
            if error_code:
                params["ErrorCode"] = error_code
            headers = {"X-Twilio-Signature": validator.compute_signature(url, params)}
            try:
                answer = await client.post(url, data=params, headers=headers)
            except httpx.HTTPError as exc:
                log.warning("status callback to %s failed: %s", url, exc)
                outbox.add_webhook(entry_id, {"url": url, "event": status, "error": str(exc)})
                return
            outbox.add_webhook(entry_id, {"url": url, "event": status, "body": params,
                                          "status": answer.status_code, "at": time.time()})


routes = [
    Route("/2010-04-01/Accounts/{sid}/Messages.json", create_message, methods=["POST"]),
]
