"""APNs over HTTP/2 with token (JWT, ES256) authentication.

A batch goes out as concurrent HTTP/2 streams multiplexed over a few connections (one
async httpx client each, living on the provider's event loop thread), at most IN_FLIGHT
at once. (One sync client shared by the pool's threads raised KeyErrors from httpcore's
HTTP/2 stream bookkeeping under load: the streams of a connection stay on one thread.)
Production sets HERALD_APNS_KEY_FILE to the .p8 key downloaded from the Apple developer account
(AuthKey_<KEY_ID>.p8, a PEM PKCS#8 EC key), HERALD_APNS_KEY_ID, HERALD_APNS_TEAM_ID,
HERALD_APNS_TOPIC (the bundle id) and HERALD_APNS_URL=https://api.push.apple.com
(api.sandbox.push.apple.com for development builds). With no key file the provider
signs with the sandbox key derived from the key id (see sandbox_signing_key), which the
simulator verifies and Apple never accepts;
production mode (HERALD_ENV=production) refuses to start without the key file.
"""
import asyncio
import hashlib
import json
import logging
import ssl
import threading
import time
import uuid
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.channels.aio import LoopThread
from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    Run,
    SendResult,
    TransientError,
    classify_http,
    run_in_turn,
)

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 40 * 60  # Apple refuses tokens older than 1 h and re-mints inside 20 min
DEAD_TOKEN_REASONS = {"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered"}
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
APNS_ID_NAMESPACE = uuid.UUID("5b1f2c1e-8f4e-4b8a-9a57-0c6d3f1f6a10")
CONNECTIONS = 4  # Apple allows many; one connection's streams are serialised on one socket
IN_FLIGHT = 200  # streams in flight across the connections (servers allow ~100-1000 each)


def sandbox_signing_key(key_id: str) -> ec.EllipticCurvePrivateKey:
    """Return the sandbox's P-256 key for a key id: stable everywhere, secret nowhere."""
    seed = hashlib.sha256(f"herald-sandbox-apns:{key_id}".encode()).digest()
    return ec.derive_private_key(int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1,
                                 ec.SECP256R1())


def apns_id(notification_id: str) -> str:
    """Use our notification id as apns-id (a UUID), or a UUID derived from it."""
    try:
        return str(uuid.UUID(notification_id))
    except ValueError:
        return str(uuid.uuid5(APNS_ID_NAMESPACE, notification_id))


def tls_context(ca_file: str) -> ssl.SSLContext:
    """The system roots, plus the sandbox certificate when one is configured and present."""
    context = ssl.create_default_context()
    if ca_file and Path(ca_file).exists():
        context.load_verify_locations(ca_file)
    return context


class ApnsProvider(Provider):
    name = "apns"
    channel = "push"
    max_batch = 500
    # A batch multiplexes its own streams (IN_FLIGHT): the pool sends one batch at a time.
    concurrency = 1

    def __init__(self, config):
        super().__init__(config)
        if config.APNS_KEY_FILE:
            pem = Path(config.APNS_KEY_FILE).read_bytes()
            self._key = serialization.load_pem_private_key(pem, password=None)
        else:  # production mode refuses to start like this (app.core.ops.startup)
            log.warning("APNs: HERALD_APNS_KEY_FILE is unset: signing with the sandbox key "
                        "for %s, which only the sandbox accepts", config.APNS_KEY_ID)
            self._key = sandbox_signing_key(config.APNS_KEY_ID)
        self._base = config.APNS_URL.rstrip("/")
        tls = tls_context(config.APNS_CA_FILE)
        self._clients = [httpx.AsyncClient(http2=True, verify=tls,
                                           timeout=httpx.Timeout(15.0, connect=5.0))
                         for _ in range(CONNECTIONS)]
        self._loop = LoopThread("apns")
        self._lock = threading.Lock()
        self._token: str | None = None
        self._minted_at = 0.0

    def bearer(self, stale: str | None = None) -> str:
        """Return the cached provider token; mint one when it is old or was just refused."""
        with self._lock:
            too_old = time.time() - self._minted_at > TOKEN_LIFETIME
            if self._token is None or too_old or self._token == stale:
                claims = {"iss": self.config.APNS_TEAM_ID, "iat": int(time.time())}
                self._token = jwt.encode(claims, self._key, algorithm="ES256",
                                         headers={"kid": self.config.APNS_KEY_ID})
                self._minted_at = time.time()
            return self._token

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Send every message as its own stream; results in order."""
        return self._loop.run(self._send_all(messages))

    async def _send_all(self, messages: list[Message]) -> list[SendResult]:
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def send(position: int, message: Message) -> SendResult:
            async with slots:
                return await self._send_one(self._clients[position % CONNECTIONS], message)

        return await asyncio.gather(*(send(i, m) for i, m in enumerate(messages)))

    async def _send_one(self, client: httpx.AsyncClient, message: Message) -> SendResult:
        try:
            headers, body = build_request(message, self.config.APNS_TOPIC)
        except (TypeError, ValueError) as exc:
            error = PermanentError(f"APNs payload rejected: {exc}", code="invalid_message")
            return SendResult(message.id, error=error)
        url = f"{self._base}/3/device/{message.to}"
        try:
            token = self.bearer()
            response = await self._post(client, url, headers, body, token)
            if _body(response).get("reason") == "ExpiredProviderToken":  # mint, retry once
                response = await self._post(client, url, headers, body,
                                            self.bearer(stale=token))
        except httpx.HTTPError as exc:
            error = TransientError(f"APNs connection failed: {exc!r}", code="connection_error")
            return SendResult(message.id, error=error)
        return result_of(message, response)

    @staticmethod
    async def _post(client: httpx.AsyncClient, url: str, headers: dict, body: bytes,
                    token: str) -> httpx.Response:
        return await client.post(url, content=body,
                                 headers={**headers, "authorization": f"bearer {token}"})

    def close(self) -> None:
        async def close_clients():
            for client in self._clients:
                await client.aclose()

        if not self._loop.loop.is_closed():
            self._loop.run(close_clients())
        self._loop.close()


def build_request(message: Message, topic: str) -> tuple[dict, bytes]:
    """Return the apns-* headers and JSON body for one message."""
    content = message.content
    alert = {k: str(content[k]) for k in ("title", "body") if content.get(k)}
    aps: dict = {"alert": alert} if alert else {}
    if content.get("badge") is not None:
        aps["badge"] = int(content["badge"])
    if content.get("sound"):
        aps["sound"] = str(content["sound"])
    # Apple: an alert, a badge or a sound is a user interaction, sent as an alert push
    # (priority 5 unless it needs the user at once); a background push carries none of
    # them. So a badge-only push (badge 0 clears it) is an alert push at priority 5, and
    # data without an alert also asks to wake the app (content-available).
    background = not aps
    if not alert and (background or content.get("data")):
        aps["content-available"] = 1
    if content.get("image"):
        aps["mutable-content"] = 1  # lets the notification service extension fetch the image
    payload = {str(k): str(v) for k, v in (content.get("data") or {}).items()}
    payload.update(aps=aps, herald_id=message.id)
    for key in ("deep_link", "image"):
        if content.get(key):
            payload[key] = str(content[key])
    headers = {
        "apns-topic": topic,
        "apns-push-type": "background" if background else "alert",
        "apns-priority": "5" if not alert or content.get("priority") == "normal" else "10",
        "apns-id": apns_id(message.id),
    }
    if content.get("ttl_seconds") is not None:
        ttl = int(content["ttl_seconds"])
        headers["apns-expiration"] = str(int(time.time()) + ttl) if ttl > 0 else "0"
    if content.get("collapse_key"):
        headers["apns-collapse-id"] = str(content["collapse_key"])
    return headers, json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def result_of(message: Message, response: httpx.Response) -> SendResult:
    """Classify one APNs response."""
    status = response.status_code
    if status == 200:
        return SendResult(message.id, response.headers.get("apns-id"))
    body = _body(response)
    reason = body.get("reason") or str(status)
    text, raw = f"APNs {status} {reason}", response.text[:2000]
    # 410 says when the token stopped being valid: a newer registration of it still works
    detail = {"timestamp": body["timestamp"]} if "timestamp" in body else {}
    if status in (400, 410) and reason in DEAD_TOKEN_REASONS:
        error = InvalidRecipient(text, code=reason, response=raw)
    else:
        error = classify_http(status, response.headers, raw, code=reason, message=text)
    return SendResult(message.id, error=error, detail=detail)


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
