"""A test message through one provider only, to an address the operator gives: the
settings as stored and in the environment, no queue, no failover, nothing recorded in
the log (the audit log says who sent one, where to and how it went)."""
import re
import uuid

from app.channels.base import Message, SendResult
from app.channels.registry import provider_class
from app.core.access import audit
from app.core.ops.system import mask
from app.errors import ValidationFailed

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MAX_TOKEN = 4096
CONTENT = {
    "sms": {"text": "Herald test message: this provider works."},
    "email": {"subject": "Herald test message", "text": "This provider works.",
              "html": "<p>This provider works.</p>"},
    "push": {"title": "Herald test message", "body": "This provider works."},
}
WHAT = {"sms": "a phone number in E.164 form, e.g. +14155550100",
        "email": "an email address", "push": "a device token"}


def testable(provider: str) -> bool:
    """Web push needs a browser's whole subscription, not one address: no test there."""
    return provider != "webpush"


def check_recipient(provider: str, to: str) -> str:
    channel = provider_class(provider).channel
    to = (to or "").strip()
    valid = {"sms": E164.match(to), "email": EMAIL.match(to) and len(to) <= 320,
             "push": to and len(to) <= MAX_TOKEN and not any(c.isspace() for c in to)}
    if not testable(provider) or not valid[channel]:
        message = ("cannot be tested from here: it needs a browser's subscription"
                   if not testable(provider) else f"must be {WHAT[channel]}")
        raise ValidationFailed("Check the recipient", [{"field": "to", "message": message}])
    return to


def send_test(session, config, provider: str, to: str, actor) -> SendResult:
    """Send one test message through the provider; audit it; return its result."""
    to = check_recipient(provider, to)
    cls = provider_class(provider)
    message = Message(id=str(uuid.uuid4()), channel=cls.channel, to=to,
                      content=CONTENT[cls.channel], category="test")
    instance = cls(config)
    try:
        [result] = instance.send_batch([message])
    finally:
        instance.close()
    audit.record(session, actor, "provider.test_send", "provider", provider, None, {
        "to": mask(to) or to, "ok": result.ok,
        "error": None if result.ok else f"{result.error.code}: {str(result.error)[:200]}"})
    return result
