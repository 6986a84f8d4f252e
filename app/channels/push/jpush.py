"""JPush (Aurora Push) REST API v3 with httpx: Android push where Google services are
absent (devices registered with provider "jpush").

One request per message (`POST {base}/v3/push`, Basic auth app key : master secret,
audience = one registration id), run concurrently by the provider pool on one pooled
client. Answers: 200 `{"sendno", "msg_id"}`; errors `{"error": {"code", "message"}}`
with the HTTP status: 1011 (no such registration id) means the device is gone, 2002 and
HTTP 429 are rate limits (X-Rate-Limit-Reset), 1004/1008 credentials, 5xx transient.
The maintained SDK (`jpush`) names the real host in its errors and has no timeout per
request; its wire protocol is small enough to speak directly.
"""

import httpx

from app.channels.base import (
    InvalidRecipient,
    Message,
    Provider,
    ProviderError,
    SendResult,
    TransientError,
    classify_http,
    retry_after_seconds,
)

TIMEOUT_SECONDS = 15
NO_SUCH_DEVICE = {1011}  # "cannot find user by this audience"
RATE_LIMITED = {2002}
MAX_TTL = 10 * 24 * 3600  # JPush keeps an offline message at most 10 days


def build_payload(message: Message) -> dict:
    """The v3 push body for one registration id (Android notification with extras)."""
    content = message.content
    android = {"alert": content.get("body") or content.get("title") or ""}
    if content.get("title"):
        android["title"] = content["title"]
    extras = {**(content.get("data") or {}), "herald_id": message.id}
    if content.get("deep_link"):
        extras["deep_link"] = content["deep_link"]
    android["extras"] = extras
    if content.get("priority") == "high":
        android["priority"] = 2
    options = {"apns_production": False}
    if content.get("ttl_seconds") is not None:
        options["time_to_live"] = min(int(content["ttl_seconds"]), MAX_TTL)
    return {"platform": ["android"], "audience": {"registration_id": [message.to]},
            "notification": {"android": android}, "options": options}


def classify(response: httpx.Response) -> ProviderError:
    """Map an error answer to our error tree."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    code, text = error.get("code"), error.get("message") or response.reason_phrase
    message = f"JPush {response.status_code} ({code}): {text}"
    if code in NO_SUCH_DEVICE:
        return InvalidRecipient(message, code=str(code), response=response.text[:2000])
    if code in RATE_LIMITED or response.status_code == 429:
        reset = response.headers.get("X-Rate-Limit-Reset") or response.headers.get("Retry-After")
        return classify_http(429, response.headers, response.text, code=str(code or 429),
                             message=message, retry_after=retry_after_seconds(reset))
    return classify_http(response.status_code, response.headers, response.text,
                         code=str(code) if code else None, message=message)


class JPushProvider(Provider):
    name = "jpush"
    channel = "push"
    concurrency = 8

    def __init__(self, config):
        super().__init__(config)
        self.client = httpx.Client(
            base_url=config.JPUSH_URL.rstrip("/"), timeout=TIMEOUT_SECONDS,
            auth=(config.JPUSH_APP_KEY, config.JPUSH_MASTER_SECRET),
            limits=httpx.Limits(max_connections=self.concurrency))

    def rate_key(self) -> str:
        """JPush limits pushes per app (per app key)."""
        return f"jpush:{self.config.JPUSH_APP_KEY}"

    def send_one(self, message: Message) -> SendResult:
        try:
            response = self.client.post("/v3/push", json=build_payload(message))
        except httpx.HTTPError as exc:
            error = TransientError(f"JPush unreachable: {exc}", code="connection_error")
            return SendResult(message.id, error=error)
        if response.status_code != 200:
            return SendResult(message.id, error=classify(response))
        try:
            msg_id = str(response.json()["msg_id"])
        except (ValueError, KeyError, TypeError):
            error = TransientError("JPush answered 200 without a msg_id", code="bad_answer",
                                   response=response.text[:2000])
            return SendResult(message.id, error=error)
        return SendResult(message.id, provider_message_id=msg_id)

    def close(self) -> None:
        self.client.close()
