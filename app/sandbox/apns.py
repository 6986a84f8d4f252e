"""APNs simulator: POST /3/device/{token} over HTTP/2 (the TLS port) with token auth.

Validates like Apple: HTTP/2 only, `authorization: bearer <JWT>` signed ES256 with a
`kid` header and `iss`/`iat` claims (the signature is checked against the sandbox key
for that kid, app.channels.push.apns.sandbox_signing_key; `iss` must be a team id of 10
letters or digits; tokens older than an hour get ExpiredProviderToken), apns-topic,
push type, priority, apns-id, expiration, collapse id, a 64-hex device token and a JSON
body with `aps` of at most 4096 bytes. Answers 200 with apns-id echoed, or
`{"reason": ...}` errors. Fault kinds (Apple's reasons, or the status as shorthand):
Unregistered/410 (with timestamp), BadDeviceToken/400, DeviceTokenNotForTopic,
ExpiredProviderToken, InvalidProviderToken/403, PayloadTooLarge/413,
TooManyRequests/429, TooManyProviderTokenUpdates, InternalServerError/500,
ServiceUnavailable/503.
Sandbox-only reasons: HTTP2Required (505) for HTTP/1.x, BadPayload for a body that is
not a JSON object with `aps`.
"""
import json
import re
import time
import uuid
from functools import lru_cache

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.channels.push.apns import sandbox_signing_key
from app.sandbox.outbox import outbox

MAX_PAYLOAD_BYTES = 4096
TOKEN_MAX_AGE = 3600
DEVICE_TOKEN = re.compile(r"^[0-9a-fA-F]{64}$")
TEAM_ID = re.compile(r"^[A-Z0-9]{10}$")
APNS_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
PUSH_TYPES = {"alert", "background", "location", "voip", "complication", "fileprovider", "mdm",
              "liveactivity", "pushtotalk", "widgets", "controls"}
FAULTS = {
    "Unregistered": 410, "BadDeviceToken": 400, "DeviceTokenNotForTopic": 400,
    "ExpiredProviderToken": 403, "InvalidProviderToken": 403, "PayloadTooLarge": 413,
    "TooManyRequests": 429, "TooManyProviderTokenUpdates": 429,
    "InternalServerError": 500, "ServiceUnavailable": 503,
}
ALIASES = {"400": "BadDeviceToken", "403": "InvalidProviderToken", "410": "Unregistered",
           "413": "PayloadTooLarge", "429": "TooManyRequests", "500": "InternalServerError",
           "503": "ServiceUnavailable"}


class Rejected(Exception):
    """An APNs error answer: status and reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@lru_cache(maxsize=64)
def public_key(kid: str):
    return sandbox_signing_key(kid).public_key()


def check_token(authorization: str) -> dict:
    """Verify the provider token; return its header and claims."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Rejected(403, "MissingProviderToken")
    claims = verified_token(token)
    if time.time() - claims["iat"] > TOKEN_MAX_AGE:
        raise Rejected(403, "ExpiredProviderToken")
    return claims


@lru_cache(maxsize=256)
def verified_token(token: str) -> dict:
    """Check a token's signature and claims once: a provider reuses one for 20-60 min,
    and an ES256 check per request was its largest single cost in a profile."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "ES256" or not header.get("kid"):
            raise Rejected(403, "InvalidProviderToken")
        claims = jwt.decode(token, public_key(header["kid"]), algorithms=["ES256"],
                            options={"require": ["iss", "iat"]})
    except jwt.InvalidTokenError as exc:
        raise Rejected(403, "InvalidProviderToken") from exc
    if not TEAM_ID.match(str(claims["iss"])):
        raise Rejected(403, "InvalidProviderToken")
    return {"kid": header["kid"], "iss": claims["iss"], "iat": claims["iat"]}


def check_headers(headers) -> dict:
    """Validate the apns-* headers; return them."""
    apns = {k: v for k, v in headers.items() if k.startswith("apns-")}
    if not apns.get("apns-topic"):
        raise Rejected(400, "MissingTopic")
    push_type = apns.get("apns-push-type", "alert")
    if push_type not in PUSH_TYPES:
        raise Rejected(400, "InvalidPushType")
    priority = apns.get("apns-priority", "10")
    if priority not in ("1", "5", "10") or (push_type == "background" and priority == "10"):
        raise Rejected(400, "BadPriority")
    if "apns-id" in apns and not APNS_ID.match(apns["apns-id"]):
        raise Rejected(400, "BadMessageId")
    if not apns.get("apns-expiration", "0").isdigit():
        raise Rejected(400, "BadExpirationDate")
    if len(apns.get("apns-collapse-id", "").encode()) > 64:
        raise Rejected(400, "BadCollapseId")
    return apns


def check_payload(token: str, body: bytes) -> dict:
    if not DEVICE_TOKEN.match(token):
        raise Rejected(400, "BadDeviceToken")
    if not body:
        raise Rejected(400, "PayloadEmpty")
    if len(body) > MAX_PAYLOAD_BYTES:
        raise Rejected(413, "PayloadTooLarge")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise Rejected(400, "BadPayload") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("aps"), dict):
        raise Rejected(400, "BadPayload")
    return payload


def answer_fault(kind: str) -> Rejected:
    reason = ALIASES.get(kind, kind)
    return Rejected(FAULTS.get(reason, 500), reason if reason in FAULTS else "InternalServerError")


async def push(request: Request) -> Response:
    token = request.path_params["token"]
    # Read the whole stream before answering: hypercorn's HTTP/2 drops the connection when
    # DATA frames arrive for a stream it has already answered and closed.
    body = await request.body()
    message_id = request.headers.get("apns-id") or str(uuid.uuid4())
    retry_after = None
    try:
        if request.scope.get("http_version") != "2":
            raise Rejected(505, "HTTP2Required")
        auth = check_token(request.headers.get("authorization", ""))
        fault = outbox.take_fault("apns", token)
        if fault:
            retry_after = fault.retry_after
            raise answer_fault(fault.kind)
        headers = check_headers(request.headers)
        payload = check_payload(token, body)
    except Rejected as rejected:
        body = {"reason": rejected.reason}
        if rejected.status == 410:
            body["timestamp"] = int(time.time() * 1000)
        extra = {"retry-after": str(retry_after)} if retry_after is not None else {}
        return JSONResponse(body, status_code=rejected.status,
                            headers={"apns-id": message_id, **extra})
    client = request.scope.get("client") or ("", 0)
    outbox.record("apns", token, payload, headers=headers, jwt=auth,
                  http_version=request.scope["http_version"],
                  connection=f"{client[0]}:{client[1]}",
                  response={"status": 200, "headers": {"apns-id": message_id}})
    return Response(status_code=200, headers={"apns-id": message_id})


routes = [Route("/3/device/{token}", push, methods=["POST"])]
