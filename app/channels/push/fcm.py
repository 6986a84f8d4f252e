"""FCM HTTP v1 through the firebase-admin SDK (Android and FCM web tokens).

Each provider instance owns a named firebase app, so several can live in one process
without touching the default app. The SDK has no setting for its URL or its retries;
`_point_service` is the one place that reaches into it (pinned by a test).
"""
import logging
import threading
import uuid
import warnings
from datetime import timedelta
from typing import Annotated

import firebase_admin
import google.auth.credentials
from firebase_admin import credentials, exceptions, messaging
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

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
from app.channels.push.fcm_settings import fcm_project_id
from app.settings import SANDBOX_HTTP, SettingsGroup

log = logging.getLogger(__name__)

# Registration tokens are still sent as `token` on the wire; `fid` is another identifier.
warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)

PARALLEL = 100  # send_each opens one thread per message: keep each call to this many
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


def _point_service(app, base_url: str) -> messaging._MessagingService:
    """Aim the SDK's messaging service at base_url and make one attempt one request.

    The SDK retries 500/503 four times (~7 s) and sleeps through a 429's Retry-After;
    our delivery loop owns retries and backoff, so its adapter here never retries.
    """
    service = messaging._get_messaging_service(app)
    service._fcm_url = f"{base_url}/v1/projects/{service._project_id}/messages:send"
    adapter = HTTPAdapter(
        pool_connections=1,
        pool_maxsize=PARALLEL,
        max_retries=Retry(total=0, read=False, redirect=False, raise_on_status=False),
    )
    service._client.session.mount(f"{base_url}/", adapter)
    return service


class Settings(SettingsGroup):
    """HERALD_FCM_*: the FCM endpoint and service account (the sandbox's without one)."""

    FCM_URL: Annotated[str, SANDBOX_HTTP] = ""
    # The service account's own project_id is used; this only without a credentials file.
    FCM_PROJECT_ID: str = ""
    FCM_CREDENTIALS_FILE: str = ""


class FcmProvider(Provider):
    name = "fcm"
    channel = "push"
    max_batch = 500
    # send_each is FCM's batch API and runs its own threads, PARALLEL at a time: the
    # provider pool sends one slice at a time, never overlapping two (no double pool).
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
        self._service = _point_service(self.app, config.FCM_URL.rstrip("/"))

    def rate_key(self) -> str:
        """FCM's quota is per project."""
        return f"fcm:{fcm_project_id(self.config)}"

    def send_batch(self, messages: list[Message], run: Run = run_in_turn) -> list[SendResult]:
        """Send through send_each in slices; classify each response."""
        results: dict[str, SendResult] = {}
        ready: list[tuple[Message, messaging.Message]] = []
        for message in messages:
            try:
                ready.append((message, build_message(message)))
            except (TypeError, ValueError) as exc:  # the SDK validates while building
                error = PermanentError(f"FCM message rejected: {exc}", code="invalid_message")
                results[message.id] = SendResult(message.id, error=error)
        for start in range(0, len(ready), PARALLEL):
            chunk = ready[start : start + PARALLEL]
            batch = messaging.send_each([fcm for _, fcm in chunk], app=self.app)
            for (message, _), response in zip(chunk, batch.responses, strict=True):
                if response.success:
                    results[message.id] = SendResult(message.id, response.message_id)
                else:
                    error = classify(response.exception)
                    results[message.id] = SendResult(message.id, error=error)
        return [results[m.id] for m in messages]

    def close(self) -> None:
        session = self._service._client.session
        # firebase-admin closes its async client with asyncio.run(), which fails in a thread
        # that already runs an event loop (an async host, a browser driver): use a fresh one.
        closer = threading.Thread(target=firebase_admin.delete_app, args=(self.app,))
        closer.start()
        closer.join()
        session.close()


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
