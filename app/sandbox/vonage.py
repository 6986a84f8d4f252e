"""Vonage SMS API simulator: POST /sms/json (served on the TLS port, as the SDK uses https).

Like the real API it answers 200 whatever happens, with one `messages[]` entry per part
carrying `status` ("0" = accepted) and `error-text`. Credentials may come as Basic auth
or as api_key/api_secret (or api_key/sig) in the body. Fault kinds are SMS API statuses
("1" throttled, "2".."9", "15", "29", "33", ...), answered with that status, or an HTTP
status ("429", "500", "503") for the platform failing outright.
"""
import base64
import binascii
import re
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.channels.sms.parts import count
from app.sandbox.outbox import outbox

NUMBER = re.compile(r"^\+?[1-9]\d{6,14}$")
ERROR_TEXT = {
    "1": "Throttled",
    "2": "Missing Parameters",
    "3": "Invalid to address",
    "4": "Bad Credentials",
    "5": "Internal Error",
    "6": "Invalid Message",
    "7": "Number Barred",
    "8": "Partner Account Barred",
    "9": "Partner Quota Exceeded",
    "10": "Too Many Existing Binds",
    "12": "Message too long",
    "15": "Illegal Sender Address - rejected",
    "29": "Non White-listed Destination - rejected",
    "33": "Number De-activated",
}


def rejected(status: str, text: str | None = None) -> JSONResponse:
    """Answer like the SMS API does when it refuses a message: 200 with a status."""
    message = {"status": status, "error-text": text or ERROR_TEXT.get(status, "Error")}
    return JSONResponse({"message-count": "1", "messages": [message]})


def _basic_auth(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key, sep, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (key, secret) if sep else None


async def _params(request: Request) -> dict:
    if request.headers.get("content-type", "").startswith("application/json"):
        return await request.json()
    return dict(await request.form())


def _invalid(params: dict, auth) -> JSONResponse | None:
    key, secret = auth or (params.get("api_key"), params.get("api_secret") or params.get("sig"))
    if not key:
        return rejected("2", "Missing api_key")
    if not secret:
        return rejected("2", "Missing api_secret")
    for field in ("from", "to"):
        if not params.get(field):
            return rejected("2", f"Missing {field} param")
    if params.get("type", "text") in ("text", "unicode") and not params.get("text"):
        return rejected("2", "Missing text param")
    if not NUMBER.match(params["to"]):
        return rejected("3", "Invalid to address")
    return None


def _accepted(params: dict, recipient: str) -> dict:
    _, segments, _ = count(params.get("text", ""))
    part = {"to": recipient.lstrip("+"), "status": "0", "remaining-balance": "15.53590000",
            "message-price": "0.03330000", "network": "23410"}
    if params.get("client-ref"):
        part["client-ref"] = params["client-ref"]
    messages = [{**part, "message-id": secrets.token_hex(8).upper()} for _ in range(segments)]
    return {"message-count": str(len(messages)), "messages": messages}


async def send_sms(request: Request) -> Response:
    params = await _params(request)
    problem = _invalid(params, _basic_auth(request))
    if problem is not None:
        return problem
    # One spelling for numbers, with or without the "+" the API tolerates.
    recipient = "+" + params["to"].lstrip("+")
    fault = outbox.take_fault("vonage", recipient)
    if fault is not None:
        if fault.kind.isdigit() and int(fault.kind) >= 400:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
            return JSONResponse({"type": "https://developer.nexmo.com/api-errors",
                                 "title": "Server error"}, int(fault.kind), headers=headers)
        return rejected(fault.kind)
    response = _accepted(params, recipient)
    payload = {k: v for k, v in params.items() if k not in ("api_secret", "sig")}
    outbox.record("vonage", recipient, payload, http_version=request.scope["http_version"],
                  response={"status": 200, "body": response})
    return JSONResponse(response)


routes = [Route("/sms/json", send_sms, methods=["POST"])]
