"""Vonage SMS API through the official SDK (the fallback for Twilio).

The SDK always speaks https and builds its own requests session, on which a
REQUESTS_CA_BUNDLE in the environment overrides any `session.verify`. When
VONAGE_CA_FILE is set we mount an adapter that verifies against that file alone, so
the certificate is really checked, against the CA we were told to trust.

The SMS API answers 200 with a status per message part; the SDK turns a refused single
part into an SmsError carrying only text, so we classify from the SDK client's
`last_response`. That attribute is per client, hence a small pool of clients checked
out one per concurrent send (the provider pool runs up to `concurrency` of them) rather
than one client shared by all threads.
"""
import queue
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import Retry
from vonage import Auth, HttpClientOptions, Sms
from vonage._version import __version__ as sdk_version
from vonage_http_client import HttpClient
from vonage_http_client.errors import HttpRequestError, RateLimitedError
from vonage_sms import PartialFailureError, SmsError, SmsMessage

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    Provider,
    ProviderError,
    RateLimited,
    SendResult,
    TransientError,
    classify_http,
)
from app.channels.sms.parts import GSM7, encoding_of

TIMEOUT_SECONDS = 15
THROTTLED_RETRY_SECONDS = 1.0  # the API sends no hint; the default limit is 30/s
TRANSIENT_STATUSES = {"5", "10"}  # internal error, too many binds
# Barred (blocklisted, e.g. after STOP) or de-activated numbers; "3" is recipient-only
# when the error text names the `to` parameter.
INVALID_RECIPIENT_STATUSES = {"7", "33"}


class _TrustOnlyCA(HTTPAdapter):
    """Verify TLS against one CA file, whatever the environment's bundle says."""

    def __init__(self, ca_file: str, **kw):
        super().__init__(**kw)
        self.ca_file = ca_file

    def send(self, request, **kwargs):
        """Send with certificate verification pinned to our CA file."""
        kwargs["verify"] = self.ca_file
        return super().send(request, **kwargs)


class _HttpClient(HttpClient):
    """The SDK's HTTP client, trusting VONAGE_CA_FILE for its REST host when set."""

    def __init__(self, auth: Auth, options: HttpClientOptions, ca_file: str):
        super().__init__(auth, options, sdk_version)
        if ca_file:
            adapter = _TrustOnlyCA(
                ca_file, pool_maxsize=options.pool_maxsize,
                max_retries=Retry(total=options.max_retries, backoff_factor=0.1),
            )
            self._session.mount(f"https://{self.rest_host}/", adapter)

    def close(self) -> None:
        self._session.close()


def status_error(body: dict) -> ProviderError:
    """Map the first refused part of an SMS API answer to our error tree."""
    part = next(m for m in body.get("messages", []) if m.get("status") != "0")
    status, text = str(part.get("status")), part.get("error-text", "")
    message = f"Vonage status {status}: {text}"
    kw = {"code": status, "response": str(body)[:2000]}
    if status == "1":
        return RateLimited(message, retry_after=THROTTLED_RETRY_SECONDS, **kw)
    if status in TRANSIENT_STATUSES:
        return TransientError(message, **kw)
    names_to = status == "3" and " to " in f" {text.lower()} "
    if status in INVALID_RECIPIENT_STATUSES or names_to:
        return InvalidRecipient(message, **kw)
    return PermanentError(message, **kw)


def http_error(exc: HttpRequestError) -> ProviderError:
    """Map a non-2xx answer to our error tree."""
    response = exc.response
    status = 429 if isinstance(exc, RateLimitedError) else response.status_code
    return classify_http(status, response.headers, response.text,
                         code=str(response.status_code),
                         message=f"Vonage HTTP {response.status_code}")


class VonageProvider(Provider):
    name = "vonage"
    channel = "sms"
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.auth = Auth(api_key=config.VONAGE_API_KEY, api_secret=config.VONAGE_API_SECRET)
        url = config.VONAGE_URL if "//" in config.VONAGE_URL else f"//{config.VONAGE_URL}"
        host = urlsplit(url).netloc
        self.options = HttpClientOptions(
            api_host=host, rest_host=host, timeout=TIMEOUT_SECONDS,
            pool_maxsize=self.concurrency,
        )
        self._idle: queue.SimpleQueue[Sms] = queue.SimpleQueue()

    @contextmanager
    def _sms(self):
        """Check out an SDK client for this send; at most `concurrency` are ever made."""
        try:
            sms = self._idle.get_nowait()
        except queue.Empty:
            sms = Sms(_HttpClient(self.auth, self.options, self.config.VONAGE_CA_FILE))
        try:
            yield sms
        finally:
            self._idle.put(sms)

    def send_one(self, message: Message) -> SendResult:
        """Send one SMS (the API splits it into parts) and classify the answer."""
        text = message.content.get("text", "")
        sms_message = SmsMessage(
            to=message.to.lstrip("+"), from_=self.config.VONAGE_FROM.lstrip("+"), text=text,
            client_ref=message.id, type="text" if encoding_of(text) == GSM7 else "unicode",
        )
        with self._sms() as sms:
            try:
                response = sms.send(sms_message)
            except PartialFailureError as exc:
                return SendResult(message.id, error=status_error(exc.response))
            except SmsError:
                body = sms.http_client.last_response.json()
                return SendResult(message.id, error=status_error(body))
            except HttpRequestError as exc:
                return SendResult(message.id, error=http_error(exc))
            except requests.RequestException as exc:
                tls = isinstance(exc, requests.exceptions.SSLError)
                error = TransientError(f"Vonage unreachable: {exc}",
                                       code="tls_error" if tls else "connection_error")
                return SendResult(message.id, error=error)
        ids = [part.message_id for part in response.messages]
        return SendResult(message.id, provider_message_id=ids[0],
                          detail={"message_ids": ids, "parts": len(ids)})

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().http_client.close()
            except queue.Empty:
                return
