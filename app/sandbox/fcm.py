"""FCM HTTP v1 simulator: POST /v1/projects/{project}/messages:send.

Checks what FCM checks (bearer token, JSON shape, one target, string data without
reserved keys, TTL format, 4 KB payload) and answers with FCM's real success and error
bodies. Fault kinds: UNREGISTERED (404), INVALID_ARGUMENT (400, the token is named as the
bad field), SENDER_ID_MISMATCH (403), THIRD_PARTY_AUTH_ERROR (401), QUOTA_EXCEEDED or 429
(429, Retry-After from the fault), UNAVAILABLE or 503, INTERNAL or 500. A token containing
"invalid" is always rejected as INVALID_ARGUMENT, so tests need no fault for a bad token.

POST /token plays Google's OAuth token endpoint for a service-account JSON whose
`token_uri` points here: it answers the JWT-bearer grant with an access token.
"""
import json
import re
import secrets
import time

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.sandbox.outbox import outbox

MAX_PAYLOAD_BYTES = 4096
TOKEN = re.compile(r"^[A-Za-z0-9_:.\-]{8,4096}$")
TTL = re.compile(r"^\d+(\.\d{1,9})?s$")
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_TOKEN = "The registration token is not a valid FCM registration token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Data keys FCM refuses (HTTP v1 reference, Message.data).
RESERVED_KEYS = {"from", "message_type"}
RESERVED_PREFIXES = ("google", "gcm")

# error code -> (HTTP status, canonical status, message)
ERRORS = {
    "UNREGISTERED": (404, "NOT_FOUND", "Requested entity was not found."),
    "INVALID_ARGUMENT": (400, "INVALID_ARGUMENT", BAD_TOKEN),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED", "SenderId mismatch"),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"),
    "QUOTA_EXCEEDED": (429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Send'."),
    "UNAVAILABLE": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "INTERNAL": (500, "INTERNAL", "Internal error encountered."),
}
ALIASES = {"404": "UNREGISTERED", "400": "INVALID_ARGUMENT", "403": "SENDER_ID_MISMATCH",
           "401": "THIRD_PARTY_AUTH_ERROR", "429": "QUOTA_EXCEEDED", "503": "UNAVAILABLE",
           "500": "INTERNAL"}


def fcm_error(error_code: str | None, status: int, canonical: str, message: str,
              field: str | None = None, retry_after: int | None = None) -> JSONResponse:
    """Answer with Google's error envelope, FcmError detail and optional field violation."""
    details = []
    if error_code:
        details.append({"@type": FCM_ERROR_TYPE, "errorCode": error_code})
    if field:
        details.append({"@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [{"field": field, "description": message}]})
    body = {"error": {"code": status, "message": message, "status": canonical}}
    if details:
        body["error"]["details"] = details
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, headers=headers)


def invalid(message: str, field: str | None = None) -> JSONResponse:
    return fcm_error("INVALID_ARGUMENT", 400, "INVALID_ARGUMENT", message, field)


def fault_response(fault) -> JSONResponse:
    code = ALIASES.get(fault.kind, fault.kind)
    if code not in ERRORS:
        return fcm_error("INTERNAL", 500, "INTERNAL", f"sandbox: unknown fcm fault {fault.kind!r}")
    status, canonical, message = ERRORS[code]
    field = "message.token" if code == "INVALID_ARGUMENT" else None
    return fcm_error(code, status, canonical, message, field, fault.retry_after)


def check_message(message: dict) -> JSONResponse | None:
    """Return the error FCM would give for this message, or None when it is acceptable."""
    token = message.get("token") or message.get("fid")
    if token is not None and (not isinstance(token, str) or not TOKEN.match(token)
                              or "invalid" in token.lower()):
        return invalid(BAD_TOKEN, "message.token")
    data = message.get("data") or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return invalid("Invalid value at 'message.data': values must be strings", "message.data")
    reserved = [k for k in data if k in RESERVED_KEYS or k.startswith(RESERVED_PREFIXES)]
    if reserved:
        return invalid(f"Invalid data payload key: {reserved[0]}", "message.data")
    android = message.get("android") or {}
    if str(android.get("priority", "high")).lower() not in ("high", "normal"):
        return invalid("Invalid value at 'message.android.priority'", "message.android.priority")
    if "ttl" in android and not TTL.match(str(android["ttl"])):
        return invalid("Invalid value at 'message.android.ttl'", "message.android.ttl")
    size = len(json.dumps([message.get("notification"), data], separators=(",", ":")).encode())
    if size > MAX_PAYLOAD_BYTES:
        return invalid("Android message is too big", "message")
    return None


async def send(request: Request) -> JSONResponse:
    project = request.path_params["project"]
    if not re.match(r"^Bearer \S{8,}$", request.headers.get("authorization", "")):
        return fcm_error(None, 401, "UNAUTHENTICATED",
                         "Request is missing required authentication credential.")
    try:
        body = await request.json()
    except ValueError:
        return invalid("Invalid JSON payload received.")
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, dict):
        return invalid("Request contains an invalid argument.", "message")
    targets = [k for k in ("token", "fid", "topic", "condition") if k in message]
    if len(targets) != 1:
        return invalid("Exactly one of token, topic or condition must be set.", "message")
    recipient = str(message[targets[0]])
    fault = await outbox.answer_fault("fcm", recipient)
    if fault:
        return fault_response(fault)
    error = check_message(message)
    if error:
        return error
    name = f"projects/{project}/messages/0:{time.time_ns() // 1000}%{secrets.token_hex(8)}"
    if body.get("validate_only"):
        return JSONResponse({"name": f"projects/{project}/messages/fake_message_id"})
    outbox.record("fcm", recipient, body, project=project, name=name,
                  http_version=request.scope.get("http_version"), scheme=request.url.scheme,
                  response={"status": 200, "body": {"name": name}})
    return JSONResponse({"name": name})


async def token(request: Request) -> JSONResponse:
    """Exchange a service account's signed assertion for an access token."""
    form = await request.form()
    try:
        claims = jwt.decode(form.get("assertion", ""), options={"verify_signature": False})
    except jwt.InvalidTokenError:
        claims = {}
    if form.get("grant_type") != JWT_BEARER or not claims.get("iss"):
        return JSONResponse({"error": "invalid_grant", "error_description": "Invalid JWT"},
                            status_code=400)
    return JSONResponse({"access_token": f"ya29.sandbox-{secrets.token_hex(16)}",
                         "expires_in": 3600, "token_type": "Bearer"})


routes = [Route("/v1/projects/{project}/messages:send", send, methods=["POST"]),
          Route("/token", token, methods=["POST"])]
