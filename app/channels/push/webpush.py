"""Web push (RFC 8030/8291/8292) to desktop browsers through pywebpush.

A web device's subscription ({"endpoint", "keys": {"p256dh", "auth"}}) rides on the
Message. pywebpush encrypts each payload (aes128gcm) for its browser; we sign one VAPID
JWT per push-service origin and reuse it for an hour, and send a batch as concurrent
requests (the provider pool runs up to `concurrency`) on one pooled requests session.
The VAPID key: see app.channels.push.vapid.
Which endpoints may be called, and where connections may go: app.channels.push.endpoints
(checked when a device registers, and again before each send).
"""
import base64
import hashlib
import json
import logging
import re
import threading
import time

import requests
from pywebpush import WebPusher, WebPushException
from urllib3.util.retry import Retry

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    SendResult,
    TransientError,
    classify_http,
)
from app.channels.push.apns import tls_context
from app.channels.push.endpoints import ForbiddenAddress, GuardedAdapter, check_endpoint
from app.channels.push.vapid import load_vapid

log = logging.getLogger(__name__)

HOST_POOLS = 32  # push services a batch spreads over (FCM, Mozilla, Apple, WNS, ...)
TIMEOUT = (5.0, 15.0)
DEFAULT_TTL = 28 * 24 * 3600  # what FCM keeps an undelivered message for
# One aes128gcm record of at most 4096 bytes: header 86, tag 16, padding delimiter 1.
MAX_PAYLOAD_BYTES = 4096 - 86 - 16 - 1
JWT_REUSE_SECONDS = 3600
JWT_LIFETIME = 12 * 3600  # push services refuse an exp more than 24 h ahead
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class WebPushProvider(Provider):
    name = "webpush"
    channel = "push"
    max_batch = 500
    concurrency = 50

    def __init__(self, config):
        super().__init__(config)
        self._vapid = load_vapid(config)
        self._session = requests.Session()
        self._session.max_redirects = 0  # push services never redirect: don't follow one
        # Connections go to public addresses only, or to the private origins configured;
        # TLS verifies against the system roots plus the configured CA (the sandbox's).
        private = config.WEBPUSH_PRIVATE_ORIGINS
        adapter = GuardedAdapter(private, tls_context(config.WEBPUSH_CA_FILE),
                                 pool_connections=HOST_POOLS, pool_maxsize=self.concurrency,
                                 max_retries=Retry(total=0, read=False))
        self._session.mount("https://", adapter)
        self._session.mount("http://", GuardedAdapter(private, pool_maxsize=self.concurrency,
                                                      max_retries=0))
        self._lock = threading.Lock()
        self._jwts: dict[str, tuple[str, float]] = {}

    def authorization(self, audience: str) -> str:
        """Return the VAPID Authorization header for a push service origin (cached)."""
        with self._lock:
            header, minted_at = self._jwts.get(audience, ("", 0.0))
            if time.time() - minted_at > JWT_REUSE_SECONDS:
                claims = {"aud": audience, "sub": self.config.VAPID_SUBJECT,
                          "exp": int(time.time()) + JWT_LIFETIME}
                header = self._vapid.sign(claims)["Authorization"]
                self._jwts[audience] = (header, time.time())
            return header

    def send_one(self, message: Message) -> SendResult:
        """Encrypt, sign and post one push to its browser's push service."""
        if not message.subscription:
            error = InvalidRecipient("web device has no push subscription",
                                     code="no_subscription")
            return SendResult(message.id, error=error)
        try:
            data, headers = build_request(message)
        except (TypeError, ValueError) as exc:
            error = PermanentError(f"web push payload rejected: {exc}", code="invalid_message")
            return SendResult(message.id, error=error)
        endpoint = message.subscription["endpoint"]
        try:  # again: the device may predate a rule, or the settings may have changed
            origin = check_endpoint(endpoint, self.config.WEBPUSH_ALLOWED_HOSTS,
                                    self.config.WEBPUSH_PRIVATE_ORIGINS)
        except ValueError as exc:
            return SendResult(message.id, error=InvalidRecipient(
                f"web push endpoint refused: {exc}", code="host_not_allowed"))
        headers["Authorization"] = self.authorization(origin)
        try:
            pusher = WebPusher(message.subscription, requests_session=self._session)
            response = pusher.send(data, headers, ttl=headers.pop("TTL"), timeout=TIMEOUT)
        except ForbiddenAddress as exc:
            return SendResult(message.id, error=InvalidRecipient(
                f"web push endpoint refused: {exc}", code="private_address"))
        except (WebPushException, ValueError) as exc:  # keys that cannot be encrypted to
            return SendResult(message.id, error=InvalidRecipient(
                f"web push subscription unusable: {exc}", code="bad_subscription"))
        except requests.TooManyRedirects as exc:
            return SendResult(message.id, error=PermanentError(
                f"web push endpoint redirects: {exc}", code="redirect"))
        except requests.RequestException as exc:
            return SendResult(message.id, error=TransientError(
                f"web push connection failed: {exc!r}", code="connection_error"))
        return result_of(message, response)

    def close(self) -> None:
        self._session.close()


def build_request(message: Message) -> tuple[bytes, dict]:
    """Return the JSON the service worker receives, and the TTL/Urgency/Topic headers."""
    content = message.content
    payload = {k: str(content[k]) for k in ("title", "body", "image", "deep_link")
               if content.get(k)}
    if content.get("badge") is not None:
        payload["badge"] = int(content["badge"])
    payload["data"] = {str(k): str(v) for k, v in (content.get("data") or {}).items()}
    payload["herald_id"] = message.id
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"{len(data)} bytes, over the {MAX_PAYLOAD_BYTES} a push can carry")
    ttl = content.get("ttl_seconds")
    headers = {"TTL": DEFAULT_TTL if ttl is None else int(ttl)}
    if content.get("priority") in ("high", "normal"):
        headers["Urgency"] = content["priority"]
    if content.get("collapse_key"):
        headers["Topic"] = topic(str(content["collapse_key"]))
    return data, headers


def topic(collapse_key: str) -> str:
    """A Topic is at most 32 base64url characters: hash keys that are not."""
    if TOPIC.match(collapse_key):
        return collapse_key
    digest = hashlib.sha256(collapse_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def result_of(message: Message, response: requests.Response) -> SendResult:
    """Classify one push service answer."""
    status = response.status_code
    if status in (200, 201, 202):
        return SendResult(message.id, response.headers.get("Location"))
    text, raw, code = f"web push {status} {response.reason}", response.text[:2000], str(status)
    if status in (404, 410):  # the subscription expired or was withdrawn
        error = InvalidRecipient(text, code=code, response=raw)
    else:
        error = classify_http(status, response.headers, raw, code=code, message=text)
    return SendResult(message.id, error=error)
