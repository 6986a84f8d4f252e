"""Web push simulator: an RFC 8030 push service, and the browser behind it.

POST /wp/{id} (serve it from the TLS port: real endpoints are https). Checks what a push
service checks: VAPID (RFC 8292) `Authorization: vapid t=<JWT>,k=<public key>` with the
ES256 JWT verified against k, `aud` = this endpoint's origin, `exp` in the next 24 h and a
mailto:/https: `sub` (401 otherwise); a TTL header; Urgency and Topic when present;
`Content-Encoding: aes128gcm` with an RFC 8188 header whose key id is a P-256 point
(RFC 8291), one record, at most 4096 bytes (413). Playing the browser, it decrypts the
body with the subscription's keys (derived from the id, see subscription_keys) and keeps
the JSON it would hand the service worker. Answers 201 with a Location; fault kinds are
statuses: 400, 404, 410 (Gone), 413, 429 (with Retry-After), 500, 503.

GET /_sandbox/webpush/subscription?id=NAME returns the PushSubscription a browser would
give for that name, with the endpoint on the port that was asked.
"""
import base64
import binascii
import hashlib
import json
import re
import time
import uuid
from functools import lru_cache

import http_ece
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.channels.push.apns import P256_ORDER
from app.sandbox.outbox import outbox

MAX_BODY_BYTES = 4096
HEADER_BYTES = 86  # salt 16 + record size 4 + key id length 1 + P-256 point 65
MAX_EXP_SECONDS = 24 * 3600
DEFAULT_RETRY_AFTER = 1
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 410: "Gone",
           413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable"}


class Rejected(Exception):
    """A push service error answer."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=4096)
def subscription_keys(name: str) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """Return the browser's P-256 key and 16-byte auth secret for a subscription id."""
    seed = hashlib.sha256(f"herald-sandbox-webpush:{name}".encode()).digest()
    key = ec.derive_private_key(int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1,
                                ec.SECP256R1())
    return key, hashlib.sha256(seed).digest()[:16]


def subscription(endpoint_base: str, name: str) -> dict:
    """The PushSubscription JSON for /wp/<name> under endpoint_base (scheme://host:port)."""
    key, auth = subscription_keys(name)
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {"endpoint": f"{endpoint_base.rstrip('/')}/wp/{name}", "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(auth)}}


def check_vapid(authorization: str, origin: str) -> dict:
    """Verify the VAPID header against the endpoint's origin; return k and the claims."""
    scheme, _, params = authorization.partition(" ")
    fields = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    if scheme.lower() != "vapid" or not fields.get("t") or not fields.get("k"):
        raise Rejected(401, "missing VAPID authorization (vapid t=...,k=...)")
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                              unb64url(fields["k"]))
        claims = jwt.decode(fields["t"], public, algorithms=["ES256"], audience=origin,
                            options={"require": ["aud", "exp", "sub"]})
    except (ValueError, binascii.Error, jwt.InvalidTokenError) as exc:
        raise Rejected(401, f"invalid VAPID token: {exc}") from exc
    if claims["exp"] > time.time() + MAX_EXP_SECONDS:
        raise Rejected(401, "VAPID exp is more than 24 hours ahead")
    if not str(claims["sub"]).startswith(("mailto:", "https:")):
        raise Rejected(401, "VAPID sub must be a mailto: or https: URL")
    return {"k": fields["k"], **claims}


def check_headers(headers) -> dict:
    """Validate TTL, Urgency, Topic and Content-Encoding; return them."""
    ttl = headers.get("ttl")
    if ttl is None or not ttl.isdigit():
        raise Rejected(400, "a TTL header (seconds) is required")
    urgency, topic = headers.get("urgency"), headers.get("topic")
    if urgency is not None and urgency not in URGENCIES:
        raise Rejected(400, f"Urgency must be one of {sorted(URGENCIES)}")
    if topic is not None and not TOPIC.match(topic):
        raise Rejected(400, "Topic must be at most 32 base64url characters")
    if headers.get("content-encoding") != "aes128gcm":
        raise Rejected(400, "Content-Encoding must be aes128gcm")
    return {"ttl": int(ttl), "urgency": urgency, "topic": topic}


def decrypt(name: str, body: bytes) -> dict:
    """Read the aes128gcm body as the subscribed browser would; return its JSON."""
    if len(body) > MAX_BODY_BYTES:
        raise Rejected(413, f"body over {MAX_BODY_BYTES} bytes")
    if len(body) <= HEADER_BYTES or body[20] != 65 or body[21] != 4:
        raise Rejected(400, "not an aes128gcm body with a P-256 key id")
    if len(body) - HEADER_BYTES > int.from_bytes(body[16:20], "big"):
        raise Rejected(400, "a push message is one record")
    key, auth = subscription_keys(name)
    try:
        plaintext = http_ece.decrypt(body, private_key=key, auth_secret=auth,
                                     version="aes128gcm")
        return json.loads(plaintext)
    except (http_ece.ECEException, ValueError) as exc:
        raise Rejected(400, f"the browser could not decrypt the message: {exc}") from exc


async def push(request: Request) -> Response:
    name = request.path_params["name"]
    body = await request.body()
    endpoint = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    try:
        vapid = check_vapid(request.headers.get("authorization", ""),
                            f"{request.url.scheme}://{request.url.netloc}")
        fault = outbox.take_fault("webpush", endpoint)
        if fault:
            status = int(fault.kind) if fault.kind.isdigit() else 500
            retry_after = fault.retry_after
            if status == 429 and retry_after is None:
                retry_after = DEFAULT_RETRY_AFTER
            raise Rejected(status, f"sandbox fault {fault.kind}", retry_after)
        headers = check_headers(request.headers)
        payload = decrypt(name, body)
    except Rejected as rejected:
        extra = {} if rejected.retry_after is None else {"Retry-After": str(rejected.retry_after)}
        error = {"code": rejected.status, "error": REASONS.get(rejected.status, "Error"),
                 "message": rejected.message}
        return JSONResponse(error, status_code=rejected.status, headers=extra)
    message_id = str(uuid.uuid4())
    location = f"{request.url.scheme}://{request.url.netloc}/m/{message_id}"
    outbox.record("webpush", endpoint, payload, headers=headers, vapid=vapid,
                  body=b64url(body), message_id=message_id,
                  http_version=request.scope.get("http_version"),
                  response={"status": 201, "headers": {"Location": location}})
    return Response(status_code=201, headers={"Location": location})


async def make_subscription(request: Request) -> JSONResponse:
    name = request.query_params.get("id") or uuid.uuid4().hex
    return JSONResponse(subscription(f"{request.url.scheme}://{request.url.netloc}", name))


routes = [
    Route("/wp/{name}", push, methods=["POST"]),
    Route("/_sandbox/webpush/subscription", make_subscription, methods=["GET"]),
]
