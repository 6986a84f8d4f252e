"""Twilio Programmable Messaging through the official SDK, one request per message.

Twilio has no batch send: a batch goes out concurrently on a small thread pool that
shares one SDK client and one pooled HTTP session. Pacing lives above this module.
"""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    RateLimited,
    SendResult,
    TransientError,
    retry_after_seconds,
)
from app.settings import PUBLIC, SANDBOX_HTTP, SettingsGroup

log = logging.getLogger(__name__)

# 21211 invalid To, 21614 not a mobile number, 21610 the recipient replied STOP (the
# caller records reason "stop" for that code).
INVALID_RECIPIENT = {21211, 21610, 21614}
TIMEOUT_SECONDS = 15


class SharedSessionClient(HttpClient):
    """A thread-safe HttpClient for the SDK: one pooled session, per-thread last response.

    The SDK's own TwilioHttpClient keeps the last response on the instance, which
    concurrent threads would overwrite; we also need its headers (Retry-After), which
    TwilioRestException does not carry.
    """

    def __init__(self, pool_size: int, timeout: float):
        super().__init__(log, is_async=False, timeout=timeout)
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._local = threading.local()

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        """Send one request on the shared session and remember its response per thread."""
        self._local.response = None
        raw = self.session.request(
            method.upper(), url, params=params, data=data, headers=headers, auth=auth,
            timeout=timeout or self.timeout, allow_redirects=allow_redirects,
        )
        self._local.response = Response(raw.status_code, raw.text, raw.headers)
        return self._local.response

    @property
    def last_response(self) -> Response | None:
        """The last response this thread received."""
        return getattr(self._local, "response", None)

    def close(self) -> None:
        self.session.close()


class Settings(SettingsGroup):
    """HERALD_TWILIO_*: the API endpoint, the account's credentials and sender."""

    TWILIO_URL: Annotated[str, SANDBOX_HTTP] = ""
    TWILIO_ACCOUNT_SID: Annotated[str, PUBLIC] = "AC" + "0" * 32
    TWILIO_AUTH_TOKEN: Annotated[str, PUBLIC] = "sandbox-token"
    TWILIO_FROM: str = "+15005550006"


class TwilioProvider(Provider):
    name = "twilio"
    channel = "sms"
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.http = SharedSessionClient(self.concurrency, TIMEOUT_SECONDS)
        # environment={} so TWILIO_REGION / TWILIO_EDGE cannot rewrite the host.
        self.client = Client(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN,
                             http_client=self.http, environment={})
        self.client.api.base_url = config.TWILIO_URL.rstrip("/")
        self.status_callback = f"{config.BASE_URL.rstrip('/')}/hooks/twilio"

    def send_batch(self, messages: list[Message]) -> list[SendResult]:
        """Send every message concurrently; results come back in input order."""
        if not messages:
            return []
        workers = min(self.concurrency, len(messages))
        with ThreadPoolExecutor(workers, thread_name_prefix="twilio") as pool:
            return list(pool.map(self._send_one, messages))

    def _sender(self) -> dict:
        sender = self.config.TWILIO_FROM
        if sender.startswith("MG"):  # a Messaging Service picks the number itself
            return {"messaging_service_sid": sender}
        return {"from_": sender}

    def _send_one(self, message: Message) -> SendResult:
        try:
            created = self.client.messages.create(
                to=message.to, body=message.content.get("text", ""),
                status_callback=self.status_callback, **self._sender(),
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            return SendResult(message.id, error=self._classify(exc))
        except requests.RequestException as exc:
            error = TransientError(f"Twilio unreachable: {exc}", code="connection_error")
            return SendResult(message.id, error=error)
        detail = {"status": created.status, "segments": created.num_segments}
        return SendResult(message.id, provider_message_id=created.sid, detail=detail)

    def _classify(self, exc) -> ProviderError:
        status, code = int(exc.status), exc.code
        text = getattr(exc, "msg", None) or getattr(exc, "detail", None) or exc.title
        response = self.http.last_response
        kw = {"code": str(code or status), "response": response.text if response else None}
        message = f"Twilio {status} ({code}): {text}"
        if code in INVALID_RECIPIENT:
            return InvalidRecipient(message, **kw)
        if status == 429 or code == 20429:
            headers = response.headers if response else {}
            return RateLimited(message, retry_after=retry_after_seconds(
                headers.get("Retry-After")), **kw)
        if status >= 500:
            return TransientError(message, **kw)
        return PermanentError(message, **kw)

    def close(self) -> None:
        self.http.close()
