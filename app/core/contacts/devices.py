"""Push devices: token checks, idempotent registration, unregistration.

Every registration of a web-push subscription passes the push-service allow-list here,
whoever the caller is (API, console, imports): workers later POST to that endpoint.
"""

import base64
import binascii
import re
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.channels.push.endpoints import check_endpoint
from app.core.access import audit
from app.errors import NotFound, ValidationFailed
from app.models import Contact, Device
from app.models.contacts import PLATFORM_PROVIDER
from app.models.types import utcnow

UNREGISTERED = "unregistered"
MAX_TOKEN_LENGTH = 2048
_APNS_TOKEN = re.compile(r"^[0-9a-f]{64}$")
# FCM registration tokens are ~160 URL-safe characters with a colon; allow some slack.
_JPUSH_ID = re.compile(r"^[A-Za-z0-9]{8,64}$")
_FCM_TOKEN = re.compile(r"^[A-Za-z0-9_:.\-]{32,2048}$")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class PushServiceNotAllowed(ValidationFailed):
    """A web-push endpoint workers must not post to; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__("The subscription's push service is not allowed",
                         [{"field": "endpoint", "message": reason}])
        self.reason = reason


def normalise_token(platform: str, token: str, provider: str | None = None) -> str:
    """Return the token as stored; raise ValueError if it cannot be one for the platform."""
    if provider == "jpush":
        if not _JPUSH_ID.match(token):
            raise ValueError("a JPush registration id is 8 to 64 letters and digits")
    elif platform == "ios":
        token = token.strip().lower()
        if not _APNS_TOKEN.match(token):
            raise ValueError("an APNs device token is 64 hexadecimal characters")
    elif not _FCM_TOKEN.match(token):
        raise ValueError("not an FCM registration token")
    return token


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    """Raise ValueError (naming the bad part) unless this is a usable web-push subscription.

    Whether workers may call the endpoint is for app.channels.push.endpoints to say
    (register_device asks it).
    """
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("endpoint: not an https URL")
    if len(endpoint) > MAX_TOKEN_LENGTH:
        raise ValueError(f"endpoint: longer than {MAX_TOKEN_LENGTH} characters")
    key = _unbase64url(p256dh)
    if key is None or len(key) != 65 or not _on_p256(key):
        raise ValueError("keys/p256dh: not a base64url uncompressed P-256 public key")
    secret = _unbase64url(auth)
    if secret is None or len(secret) != 16:
        raise ValueError("keys/auth: not a base64url 16-byte secret")


def _unbase64url(value: str) -> bytes | None:
    if not _BASE64URL.match(value):
        return None
    value = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _on_p256(point: bytes) -> bool:
    """An uncompressed point that lies on the curve (a browser's key always does)."""
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return point[0] == 4


def register_device(
    session,
    contact: Contact,
    platform: str,
    token: str,
    subscription: dict | None = None,
    now: datetime | None = None,
    *,
    config,
    actor,
    provider: str | None = None,
) -> tuple[Device, bool]:
    """Register a token for a contact, audited as the actor's; return (device, created).

    The same (provider, token) registered again is reactivated and moved to this contact:
    a phone that changes hands keeps its token, and the new owner gets the pushes. A
    subscription whose push service is not allowed raises PushServiceNotAllowed.
    """
    if subscription:
        check_push_service(subscription["endpoint"], config)
    now = now or utcnow()
    provider = provider or PLATFORM_PROVIDER[platform]
    device = _find(session, provider, token)
    created = False
    if device is None:
        try:
            with session.begin_nested():
                device = Device(contact_id=contact.id, platform=platform, provider=provider,
                                token=token, created_at=now)
                session.add(device)
            created = True
        except IntegrityError:  # registered concurrently: take the row that won
            device = _find(session, provider, token)
    device.contact_id = contact.id
    device.platform = platform
    device.subscription = subscription
    device.active = True
    device.deactivated_reason = None
    device.deactivated_at = None
    device.last_seen_at = now
    contact.last_seen_at = now
    session.flush()
    audit.record(session, actor, "device.register", "device", device.id,
                 after=_audited(device))
    return device, created


def check_push_service(endpoint: str, config) -> None:
    """Raise PushServiceNotAllowed unless workers may post to this web-push endpoint."""
    try:
        check_endpoint(endpoint, config.WEBPUSH_ALLOWED_HOSTS, config.WEBPUSH_PRIVATE_ORIGINS)
    except ValueError as exc:
        raise PushServiceNotAllowed(str(exc)) from exc


def _audited(device: Device) -> dict:
    # Not the token: it is a credential to push to the device.
    return audit.snapshot(device, ("contact_id", "platform", "provider", "active"))


def _find(session, provider: str, token: str) -> Device | None:
    return session.scalar(
        select(Device)
        .where(Device.provider == provider, Device.token == token)
        .execution_options(populate_existing=True)
    )


def unregister_device(session, contact: Contact, ref: str, now: datetime | None = None, *,
                      actor) -> Device:
    """Deactivate one of the contact's devices, by id or token, audited as the actor's;
    doing it twice is harmless (and audited once)."""
    match = Device.token.in_({ref, ref.lower()})
    if ref.isascii() and ref.isdigit() and len(ref) < 19:  # fits a BIGINT
        match = or_(Device.id == int(ref), match)
    device = session.scalar(select(Device).where(Device.contact_id == contact.id, match))
    if device is None:
        raise NotFound(f"Contact {contact.external_id!r} has no device {ref!r}")
    if device.active:
        before = _audited(device)
        device.active = False
        device.deactivated_reason = UNREGISTERED
        device.deactivated_at = now or utcnow()
        session.flush()
        audit.record(session, actor, "device.unregister", "device", device.id, before,
                     _audited(device))
    return device
