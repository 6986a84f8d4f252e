"""The sandbox inbox: what the simulators received, shaped as each recipient sees it, and
the faults operators queue to rehearse failures.

The simulators keep their outbox in their own process; this reads it over their control
routes (bounded: a timeout, the newest LIMIT entries) and never writes the database.
"""
import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.channels.sms.parts import count
from app.models import Notification

LIMIT = 300
TIMEOUT_SECONDS = 5.0
# The inbox's channels and the simulators each shows.
CHANNELS = {"email": ("sendgrid", "smtp"), "sms": ("twilio", "vonage"),
            "push": ("apns", "fcm"), "webpush": ("webpush",)}
# What operators can ask for, per simulator: outcome -> the simulator's fault kind.
OUTCOMES = {"bounce": "Bounce (address unknown)", "unregistered": "Unregistered token",
            "opt_out": "Opted out (STOP)", "invalid": "Invalid recipient",
            "rate_limited": "429 rate limited", "unavailable": "5xx unavailable"}
FAULTS = {
    "sendgrid": {"bounce": "bounce", "invalid": "400", "rate_limited": "429",
                 "unavailable": "503"},
    "smtp": {"bounce": "550", "invalid": "553", "rate_limited": "452", "unavailable": "421"},
    "twilio": {"opt_out": "21610", "invalid": "21211", "bounce": "30003",
               "rate_limited": "429", "unavailable": "503"},
    "vonage": {"invalid": "3", "opt_out": "29", "rate_limited": "1", "unavailable": "503"},
    "fcm": {"unregistered": "UNREGISTERED", "invalid": "INVALID_ARGUMENT",
            "rate_limited": "QUOTA_EXCEEDED", "unavailable": "UNAVAILABLE"},
    "apns": {"unregistered": "Unregistered", "invalid": "BadDeviceToken",
             "rate_limited": "TooManyRequests", "unavailable": "ServiceUnavailable"},
    "webpush": {"unregistered": "410", "invalid": "400", "rate_limited": "429",
                "unavailable": "503"},
}


class SandboxUnavailable(Exception):
    """The simulators did not answer."""


@dataclass
class Message:
    """One received message as its recipient sees it, with what the provider saw."""

    id: int
    provider: str
    channel: str  # email, sms, push, webpush
    recipient: str
    at: float
    title: str = ""
    body: str = ""
    platform: str = ""  # push: ios or android
    sender: str = ""
    html: str | None = None
    headers: dict = field(default_factory=dict)
    raw: str = ""
    encoding: str = ""
    segments: int = 0
    request: dict = field(default_factory=dict)
    response: dict = field(default_factory=dict)
    webhooks: list = field(default_factory=list)
    herald_id: str | None = None  # the notification, when the message names it
    reference: str | None = None  # the provider's id for it (Twilio's SID)
    notification_id: uuid.UUID | None = None

    @property
    def request_text(self) -> str:
        return json.dumps(self.request, indent=2, ensure_ascii=False, default=str)

    @property
    def response_text(self) -> str:
        return json.dumps(self.response, indent=2, ensure_ascii=False, default=str)


def control_url(config) -> str:
    return f"http://{config.SANDBOX_HOST}:{config.SANDBOX_HTTP_PORT}/_sandbox"


def _control(config, method: str, path: str, check: bool = True, **kwargs):
    """Call a control route of the simulators (an error status raises too when `check`);
    SandboxUnavailable when that fails. httpx is imported here: only the console's inbox
    uses it, and the channel workers, which load the same app, would carry it for nothing."""
    import httpx

    try:
        answer = httpx.request(method, f"{control_url(config)}{path}", timeout=TIMEOUT_SECONDS,
                               **kwargs)
        if check:
            answer.raise_for_status()
    except httpx.HTTPError as exc:
        raise SandboxUnavailable(str(exc)) from exc
    return answer


def fetch(config, channel: str = "", search: str = "", limit: int = LIMIT) -> dict:
    """The newest messages (of a channel, matching a search) and the queued faults."""
    providers = CHANNELS.get(channel) or (None,)
    entries, faults = [], []
    for provider in providers:
        params = {"limit": limit, "q": search[:200], **({"provider": provider} if provider else {})}
        answer = _control(config, "GET", "/outbox", params=params)
        entries += answer.json()["entries"]
        faults = answer.json().get("faults", [])
    entries.sort(key=lambda e: e["id"], reverse=True)
    return {"messages": [message(e) for e in entries[:limit]], "faults": faults}


def get(config, entry_id: int) -> Message | None:
    answer = _control(config, "GET", f"/outbox/{entry_id}", check=False)
    return message(answer.json()) if answer.status_code == 200 else None


def clear(config) -> None:
    _control(config, "DELETE", "/outbox")


def add_fault(config, provider: str, outcome: str, match: str | None, times: int,
              retry_after: int | None) -> None:
    """Queue a fault; the caller has checked that the simulator knows the outcome."""
    body = {"provider": provider, "kind": FAULTS[provider][outcome], "match": match or None,
            "times": times, "retry_after": retry_after}
    _control(config, "POST", "/faults", json=body)


def link_notifications(session, messages: list[Message]) -> None:
    """Fill each message's notification id: the one it names, or the one holding its
    provider reference; only ids that exist here are kept."""
    named = {m.herald_id for m in messages if m.herald_id}
    ids = set()
    for value in named:
        try:
            ids.add(uuid.UUID(value))
        except ValueError:
            continue
    found = set(session.scalars(select(Notification.id).where(Notification.id.in_(ids)))) \
        if ids else set()
    refs = {m.reference for m in messages if m.reference}
    by_ref = dict(session.execute(select(Notification.provider_message_id, Notification.id)
                                  .where(Notification.provider_message_id.in_(refs))).all()) \
        if refs else {}
    for m in messages:
        named_id = _uuid(m.herald_id)
        m.notification_id = named_id if named_id in found else by_ref.get(m.reference)


def _uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def message(entry: dict) -> Message:
    base = Message(id=entry["id"], provider=entry["provider"], channel="",
                   recipient=entry["recipient"], at=entry["at"],
                   request=entry.get("payload") or {}, response=entry.get("response") or {},
                   webhooks=entry.get("webhooks") or [])
    SHAPES[entry["provider"]](base, entry)
    return base


def _sendgrid(m: Message, entry: dict) -> None:
    body = entry["payload"]
    personalization = (body.get("personalizations") or [{}])[0]
    content = {c.get("type"): c.get("value") for c in body.get("content") or []}
    sender = body.get("from") or {}
    m.channel, m.sender = "email", f'{sender.get("name", "")} <{sender.get("email", "")}>'
    m.title = personalization.get("subject") or body.get("subject") or ""
    m.body, m.html = content.get("text/plain") or "", content.get("text/html")
    m.headers = {"From": m.sender, "To": m.recipient, "Subject": m.title,
                 **(body.get("headers") or {}), **(personalization.get("headers") or {})}
    m.raw = json.dumps(body, indent=2, ensure_ascii=False)
    m.herald_id = (personalization.get("custom_args") or {}).get("herald_id")


def _smtp(m: Message, entry: dict) -> None:
    view = entry["payload"]
    m.channel, m.sender, m.title = "email", view.get("from") or "", view.get("subject") or ""
    m.body, m.html = view.get("text") or "", view.get("html")
    m.headers, m.raw = view.get("headers") or {}, entry.get("raw") or ""
    m.herald_id = m.headers.get("X-Herald-Id")


def _sms(m: Message, entry: dict) -> None:
    form = entry["payload"]
    m.channel = "sms"
    m.body = form.get("Body") or form.get("text") or ""
    m.sender = form.get("From") or form.get("MessagingServiceSid") or form.get("from") or ""
    m.encoding, m.segments, _ = count(m.body)
    m.encoding = entry.get("encoding") or m.encoding
    m.segments = entry.get("segments") or m.segments
    m.reference = entry.get("sid")
    m.herald_id = form.get("client-ref")


def _fcm(m: Message, entry: dict) -> None:
    message_ = entry["payload"].get("message") or {}
    notification = message_.get("notification") or {}
    m.channel, m.platform = "push", "android"
    m.title, m.body = notification.get("title") or "", notification.get("body") or ""
    m.herald_id = (message_.get("data") or {}).get("herald_id")


def _apns(m: Message, entry: dict) -> None:
    alert = (entry["payload"].get("aps") or {}).get("alert") or {}
    if isinstance(alert, str):
        alert = {"body": alert}
    m.channel, m.platform = "push", "ios"
    m.title, m.body = alert.get("title") or "", alert.get("body") or ""
    m.headers = entry.get("headers") or {}
    m.herald_id = entry["payload"].get("herald_id")


def _webpush(m: Message, entry: dict) -> None:
    shown = entry["payload"]
    inner = shown.get("notification") if isinstance(shown.get("notification"), dict) else shown
    m.channel = "webpush"
    m.title, m.body = inner.get("title") or "", inner.get("body") or ""
    m.headers = entry.get("headers") or {}
    data = shown.get("data") if isinstance(shown.get("data"), dict) else {}
    m.herald_id = shown.get("herald_id") or data.get("herald_id")


SHAPES = {"sendgrid": _sendgrid, "smtp": _smtp, "twilio": _sms, "vonage": _sms,
          "fcm": _fcm, "apns": _apns, "webpush": _webpush}
