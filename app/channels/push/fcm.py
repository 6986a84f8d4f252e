"""FCM HTTP v1 through the firebase-admin SDK (Android and FCM web tokens).

Each provider instance owns a named firebase app, so several can live in one process
without touching the default app. A batch goes out through the SDK's `send_each_async`
on the provider's event loop thread, IN_FLIGHT requests at once as a sliding window.
The SDK's async client sends through aiohttp (HTTP/1.1 keep-alive connections, over TLS
as fcm.googleapis.com wants it): httpx's own transport spent 2-3 times the CPU per
message (its pure-Python HTTP/1.1 and HTTP/2, its pool rescanning every connection per
request), and FCM takes both protocols. The SDK has no setting for its URL, its retries
or its TLS trust; `_point_service` is the one place that reaches into it (pinned by a test).
"""
import asyncio
import json as jsonlib
import logging
import threading
import uuid
import warnings
from datetime import timedelta

import aiohttp
import firebase_admin
import google.auth.credentials
import httpx
from firebase_admin import _http_client, credentials, exceptions, messaging
from google.auth.transport import requests as google_requests
from httpx_aiohttp.transport import map_aiohttp_exceptions

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
from app.channels.push.apns import tls_context
from app.channels.push.fcm_settings import fcm_project_id

log = logging.getLogger(__name__)

# Registration tokens are still sent as `token` on the wire; `fid` is another identifier.
warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)

IN_FLIGHT = 64  # requests at once, each on a keep-alive connection of its own
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
TRANSIENT = (
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
    exceptions.UnknownError,
    exceptions.AbortedError,
)


class FixedTokenCredentials(google.auth.credentials.Credentials):
    """A bearer token that never expires and never refreshes: the sandbox needs no Google."""

    def __init__(self, token: str = "herald-sandbox-token"):
        super().__init__()
        self.token = token

    def refresh(self, request) -> None:
        """Keep the fixed token."""


class _AsyncClient:
    """The client the SDK's messaging service sends with, straight through aiohttp
    (IN_FLIGHT keep-alive connections, our TLS trust, no retries: the SDK retries 500/503
    four times, ~7 s, and our delivery loop owns retries). The service calls `request`
    and `aclose`, as on its own HttpxAsyncClient: httpx's client around an aiohttp
    transport spent about as much CPU per message as aiohttp itself (request building,
    cookies, auth and redirect flows, response streaming). The SDK still gets an
    httpx.Response, raised for its status, and httpx errors for transport failures,
    which its error mapping reads.

    Not a subclass of the SDK's client: its constructor builds an httpx client with two
    HTTP/2 retry transports, three TLS contexts in all, that nothing here would use
    (170-250 ms and 2.5-6 MB a provider, measured)."""

    def __init__(self, credential, timeout: float, ca_file: str):
        self.timeout = timeout
        self._headers = dict(_http_client.METRICS_HEADERS)  # the SDK's own, as it sends
        self._credential = credential
        self._refresher = google_requests.Request()  # one session for token refreshes
        self._tls = tls_context(ca_file)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        """The session, made on first use: it belongs to the loop that sends."""
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=IN_FLIGHT, ssl=self._tls)
            timeout = aiohttp.ClientTimeout(connect=self.timeout, sock_connect=self.timeout,
                                            sock_read=self.timeout)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout,
                                                  cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    async def request(self, method: str, url: str, *, headers: dict | None = None,
                      json: dict | None = None, timeout=None) -> httpx.Response:
        """POST as the SDK asks; the credential's bearer token, refreshed once on a 401."""
        headers = {**self._headers, **(headers or {})}
        body = None if json is None else jsonlib.dumps(json).encode()
        self._credential.before_request(self._refresher, method, url, headers)
        status, raw_headers, content = await self._send(method, url, headers, body)
        if status == 401:
            self._credential.refresh(self._refresher)
            self._credential.apply(headers)
            status, raw_headers, content = await self._send(method, url, headers, body)
        response = httpx.Response(status, content=content)
        if not response.is_success:
            response = httpx.Response(status, headers=raw_headers, content=content,
                                      request=httpx.Request(method, url, headers=headers))
            response.raise_for_status()
        return response

    async def _send(self, method: str, url: str, headers: dict, body: bytes | None):
        if body is not None:
            headers["content-type"] = "application/json"
        with map_aiohttp_exceptions():
            async with self._open().request(method, url, headers=headers, data=body,
                                            allow_redirects=False) as response:
                return response.status, response.raw_headers, await response.read()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _point_service(app, base_url: str, ca_file: str = "") -> messaging._MessagingService:
    """Aim the SDK's messaging service at base_url, through our async client."""
    service = messaging._get_messaging_service(app)
    service._fcm_url = f"{base_url}/v1/projects/{service._project_id}/messages:send"
    service._async_client = _AsyncClient(service._credential, app.options.get("httpTimeout"),
                                         ca_file)
    return service


class FcmProvider(Provider):
    name = "fcm"
    channel = "push"
    max_batch = 500
    # A batch runs its own concurrent requests (IN_FLIGHT): the pool sends one at a time.
    concurrency = 1

    def __init__(self, config):
        super().__init__(config)
        if config.FCM_CREDENTIALS_FILE:
            credential = credentials.Certificate(config.FCM_CREDENTIALS_FILE)
        else:
            credential = FixedTokenCredentials()
        self.app = firebase_admin.initialize_app(
            credential,
            {"projectId": fcm_project_id(config), "httpTimeout": 30},
            name=f"herald-fcm-{uuid.uuid4().hex}",
        )
        self._service = _point_service(self.app, config.FCM_URL.rstrip("/"),
                                       config.FCM_CA_FILE)
        self._loop = LoopThread("fcm")

    def rate_key(self) -> str:
        """FCM's quota is per project."""
        return f"fcm:{fcm_project_id(self.config)}"

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Send through send_each_async, IN_FLIGHT at once; classify each response."""
        results: dict[str, SendResult] = {}
        ready: list[tuple[Message, messaging.Message]] = []
        for message in messages:
            try:
                ready.append((message, build_message(message)))
            except (TypeError, ValueError) as exc:  # the SDK validates while building
                error = PermanentError(f"FCM message rejected: {exc}", code="invalid_message")
                results[message.id] = SendResult(message.id, error=error)
        responses = self._loop.run(self._send_window([fcm for _, fcm in ready]))
        for (message, _), response in zip(ready, responses, strict=True):
            if response.success:
                results[message.id] = SendResult(message.id, response.message_id)
            else:
                results[message.id] = SendResult(message.id, error=classify(response.exception))
        return [results[m.id] for m in messages]

    async def _send_window(self, fcm_messages: list[messaging.Message]) -> list:
        """Send each message as soon as one of IN_FLIGHT requests is free (a slow answer
        holds up one slot, not a whole slice); responses in input order."""
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def send(fcm: messaging.Message) -> messaging.SendResponse:
            async with slots:
                try:
                    batch = await messaging.send_each_async([fcm], app=self.app)
                except exceptions.FirebaseError as exc:  # e.g. a transport error it missed
                    return messaging.SendResponse(None, exc)
            return batch.responses[0]

        return await asyncio.gather(*(send(fcm) for fcm in fcm_messages))

    def close(self) -> None:
        # The async client's connections belong to our loop: close them there, then the
        # app (whose own close runs asyncio.run(), which fails in a thread that already
        # runs a loop, as under an async host or a browser driver: use a fresh thread).
        self._loop.run(self._service._async_client.aclose())
        self._loop.close()
        closer = threading.Thread(target=firebase_admin.delete_app, args=(self.app,))
        closer.start()
        closer.join()
        self._service._client.session.close()


def build_message(message: Message) -> messaging.Message:
    """Map our push content onto an FCM message; our id rides in data as herald_id."""
    content = message.content
    data = {str(k): str(v) for k, v in (content.get("data") or {}).items()}
    if content.get("deep_link"):
        data["deep_link"] = str(content["deep_link"])
    data["herald_id"] = message.id
    notification = None
    if content.get("title") or content.get("body") or content.get("image"):
        notification = messaging.Notification(
            title=content.get("title"), body=content.get("body"), image=content.get("image")
        )
    android_notification = None
    badge = content.get("badge")
    if notification is None and badge is not None:
        # Android has no badge without a notification: a data message hands it to the app.
        data["badge"] = str(int(badge))
    if notification and (content.get("sound") or badge is not None):
        android_notification = messaging.AndroidNotification(
            sound=content.get("sound"), notification_count=None if badge is None else int(badge)
        )
    ttl = content.get("ttl_seconds")
    android = messaging.AndroidConfig(
        priority=content.get("priority") or None,
        ttl=timedelta(seconds=int(ttl)) if ttl is not None else None,
        collapse_key=content.get("collapse_key"),
        notification=android_notification,
    )
    return messaging.Message(token=message.to, notification=notification, data=data,
                             android=android)


def classify(exc: Exception):
    """Turn an SDK exception into our error tree, keeping FCM's own errorCode."""
    response = getattr(exc, "http_response", None)
    body = _error_body(response)
    code = _fcm_error_code(body) or getattr(exc, "code", None) or type(exc).__name__
    raw = response.text[:2000] if response is not None else None
    text = f"FCM {code}: {exc}"
    if isinstance(exc, messaging.UnregisteredError):
        return InvalidRecipient(text, code=code, response=raw)
    if isinstance(exc, exceptions.InvalidArgumentError):
        cls = InvalidRecipient if _token_rejected(body) else PermanentError
        return cls(text, code=code, response=raw)
    exhausted = isinstance(exc, exceptions.ResourceExhaustedError) or _status(response) == 429
    if not exhausted and (isinstance(exc, TRANSIENT) or response is None):
        return TransientError(text, code=code, response=raw)
    # a Response is falsy when its status is an error: compare to None
    headers = response.headers if response is not None else {}
    return classify_http(429 if exhausted else _status(response), headers, raw or "",
                         code=code, message=text)


def _status(response) -> int:
    return response.status_code if response is not None else 0


def _error_body(response) -> dict:
    try:
        error = response.json().get("error") if response is not None else None
    except ValueError:
        return {}
    return error if isinstance(error, dict) else {}


def _fcm_error_code(error: dict) -> str | None:
    for detail in error.get("details") or []:
        if detail.get("@type") == FCM_ERROR_TYPE:
            return detail.get("errorCode")
    return None


def _token_rejected(error: dict) -> bool:
    """INVALID_ARGUMENT names the token as the bad field when the token itself is bad."""
    for detail in error.get("details") or []:
        if detail.get("@type") == BAD_REQUEST_TYPE:
            fields = [v.get("field") for v in detail.get("fieldViolations") or []]
            if "message.token" in fields:
                return True
    return "registration token" in str(error.get("message", "")).lower()
