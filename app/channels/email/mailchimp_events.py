"""Mailchimp Transactional's webhooks: the form field `mandrill_events` (a JSON array),
signed with X-Mandrill-Signature = base64(HMAC-SHA1(webhook key, URL + each POST field's
name and value, sorted by name)); each event read on its own into a neutral receipt."""
import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime

from app.channels.base import FUTURE_SKEW
from app.channels.webhooks import Receipt
from app.models.notifications import Status

DELIVERED, FAILED = Status.DELIVERED, Status.FAILED
# event → (our status or None, event kind, suppression reason)
EVENT_RECEIPTS = {"delivered": (DELIVERED, "delivered", None),
                  "hard_bounce": (FAILED, "bounced", "hard_bounce"),
                  "reject": (FAILED, "bounced", None),
                  "spam": (None, "complained", "complaint"),
                  "unsub": (None, "unsubscribed", None),
                  "open": (None, "opened", None), "click": (None, "clicked", None)}
KNOWN = {*EVENT_RECEIPTS, "send", "deferral", "soft_bounce"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EARLIEST_EVENT = 946684800
MAX_ID, MAX_URL = 255, 2048


def signature(key: str, url: str, form: dict) -> str:
    signed = url + "".join(f"{name}{form[name]}" for name in sorted(form))
    digest = hmac.new(key.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_valid(key: str, url: str, form: dict, given: str) -> bool:
    return hmac.compare_digest(signature(key, url, form), given or "")


def read_event(raw, now: datetime) -> tuple[Receipt | None, str | None]:
    """(receipt or None, why the event is refused or None)."""
    if not isinstance(raw, dict) or raw.get("event") not in KNOWN:
        return None, "event"
    ts, msg_id = raw.get("ts"), raw.get("_id")
    if not isinstance(ts, int) or isinstance(ts, bool) \
            or not EARLIEST_EVENT <= ts <= (now + FUTURE_SKEW).timestamp():
        return None, "ts"
    if not isinstance(msg_id, str) or not 0 < len(msg_id) <= MAX_ID:
        return None, "_id"
    msg = raw.get("msg") if isinstance(raw.get("msg"), dict) else {}
    metadata = msg.get("metadata") if isinstance(msg.get("metadata"), dict) else {}
    herald_id = metadata.get("herald_id")
    herald_id = herald_id if isinstance(herald_id, str) and UUID.match(herald_id) else None
    url = raw.get("url") if isinstance(raw.get("url"), str) else None
    if url is not None and len(url) > MAX_URL:
        return None, "url"
    mapped = EVENT_RECEIPTS.get(raw["event"])
    if mapped is None:
        return None, None  # known, changes nothing
    status, kind, suppress = mapped
    code = msg.get("bounce_description") if isinstance(msg.get("bounce_description"), str) \
        else None
    return Receipt(status, kind, notification_id=herald_id, provider_message_id=msg_id,
                   error_code=(code or raw["event"])[:64], url=url,
                   at=datetime.fromtimestamp(ts, UTC),
                   event_id=hashlib.sha256(f"{msg_id}:{raw['event']}:{ts}".encode()).hexdigest(),
                   suppress=suppress), None
