"""JPush REST API v3 simulator: POST /v3/push.

Checks Basic auth (app key : master secret, any non-empty pair) and the body as JPush
does (platform, audience, a notification or message), and answers 200 `{"sendno",
"msg_id"}` or JPush's `{"error": {"code", "message"}}`. Fault kinds are JPush error codes
("1011" no such registration id, "1003" bad parameter, "1004" authentication failed,
"2002" too many requests, "1030" internal error) or an HTTP status ("429", "500", "503").
"""
import base64
import binascii
import itertools
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.sandbox.outbox import Fault, outbox

ERRORS = {1003: (400, "Parameter value is invalid"),
          1004: (401, "Authen failed"),
          1011: (400, "cannot find user by this audience"),
          2002: (429, "Request times of the app_key exceed the limit of current time window"),
          1030: (500, "Server internal error")}
HTTP_CODES = {429: 2002, 500: 1030, 503: 1030}
_msg_ids = itertools.count(54043195528)


def error(code: int, status: int | None = None, headers: dict | None = None) -> JSONResponse:
    status = status or ERRORS.get(code, (400, ""))[0]
    message = ERRORS.get(code, (status, "error"))[1]
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=headers)


def _authorised(request: Request) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    try:
        key, _, secret = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return scheme == "Basic" and bool(key) and bool(secret)


def _problem(body) -> bool:
    audience = body.get("audience") if isinstance(body, dict) else None
    ids = audience.get("registration_id") if isinstance(audience, dict) else None
    return not (isinstance(ids, list) and 0 < len(ids) <= 1000
                and all(isinstance(i, str) and i for i in ids)
                and body.get("platform") and (body.get("notification") or body.get("message")))


def _fault_response(fault: Fault) -> JSONResponse:
    code = int(fault.kind) if fault.kind.isdigit() else 1030
    status = code if code < 1000 else None
    code = HTTP_CODES.get(code, code) if code < 1000 else code
    headers = None
    if code == 2002:
        wait = 1 if fault.retry_after is None else fault.retry_after
        headers = {"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0",
                   "X-Rate-Limit-Reset": str(int(wait))}
    return error(code, status, headers)


async def push(request: Request) -> JSONResponse:
    if not _authorised(request):
        return error(1004)
    try:
        body = await request.json()
    except ValueError:
        return error(1003)
    if _problem(body):
        return error(1003)
    ids = body["audience"]["registration_id"]
    for registration_id in ids:
        fault = outbox.take_fault("jpush", registration_id)
        if fault is not None:
            return _fault_response(fault)
    msg_id = next(_msg_ids)
    for registration_id in ids:
        outbox.record("jpush", registration_id, body, message_id=str(msg_id), at=time.time())
    return JSONResponse({"sendno": str(body.get("options", {}).get("sendno", 0)),
                         "msg_id": str(msg_id)})


routes = [Route("/v3/push", push, methods=["POST"])]
