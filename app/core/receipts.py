"""Apply what providers report after a send: delivery receipts, bounces, complaints, STOP."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select

from app.core.db import bulk_update, insert_ignore
from app.models import Event, Notification, NotificationStatus, Suppression
from app.models.notifications import DELIVERED, FAILED, SENDING, SENT
from app.models.types import utcnow

# Provider vocabularies mapped onto ours: status for the row, kind for the event log.
TWILIO = {"delivered": (DELIVERED, "delivered"), "undelivered": (FAILED, "bounced"),
          "failed": (FAILED, "bounced")}
SENDGRID = {"delivered": (DELIVERED, "delivered"), "bounce": (FAILED, "bounced"),
            "dropped": (FAILED, "bounced"), "spamreport": (None, "complained"),
            "open": (None, "opened"), "click": (None, "clicked"),
            "unsubscribe": (None, "unsubscribed"), "group_unsubscribe": (None, "unsubscribed")}
SUPPRESS_ON = {"bounced": "hard_bounce", "complained": "complaint"}
# Carrier errors that mean the number can never receive SMS (unknown, landline); others
# (unreachable handset 30003, carrier filtering 30007, unknown 30008) fail one message only.
TWILIO_PERMANENT = {"30005", "30006"}


@dataclass
class Receipt:
    """One provider report about one message, found by our id or the provider's."""

    status: str | None  # our status to move to, or None for engagement only
    kind: str  # event kind
    notification_id: str | None = None
    provider_message_id: str | None = None
    error_code: str | None = None
    url: str | None = None
    at: datetime | None = None


def twilio_receipt(form) -> Receipt | None:
    """Read a Twilio status callback; None for statuses that change nothing (queued, sent)."""
    mapped = TWILIO.get(form.get("MessageStatus", ""))
    if mapped is None:
        return None
    status, kind = mapped
    error_code = form.get("ErrorCode") or None
    if kind == "bounced" and error_code not in TWILIO_PERMANENT:
        kind = "undelivered"
    return Receipt(status, kind, provider_message_id=form.get("MessageSid"),
                   error_code=error_code)


def apply_receipts(session, receipts: list[Receipt]) -> int:
    """Record receipts in bulk; return how many matched a notification we sent."""
    rows = _find(session, receipts)
    if not rows:
        return 0
    now = utcnow()
    events, updates, history, suppressions = [], [], [], []
    for receipt in receipts:
        row = rows.get(receipt.notification_id) or rows.get(receipt.provider_message_id)
        if row is None:
            continue
        at = receipt.at or now
        events.append({"notification_id": row.id, "contact_id": row.contact_id,
                       "kind": receipt.kind, "url": receipt.url, "at": at})
        if receipt.status and row.status in (SENDING, SENT):
            stamp = "delivered_at" if receipt.status == DELIVERED else "failed_at"
            updates.append({"id": row.id, "status": receipt.status, "updated_at": now,
                            "error_code": receipt.error_code, stamp: at})
            history.append({"notification_id": row.id, "status": receipt.status, "at": at,
                            "provider": row.provider, "error_code": receipt.error_code,
                            "attempt": row.attempts})
        if receipt.kind in SUPPRESS_ON and row.address:
            suppressions.append({"channel": row.channel, "address": row.address,
                                 "reason": SUPPRESS_ON[receipt.kind], "created_at": now,
                                 "detail": receipt.error_code or ""})
    session.execute(insert(Event), events)
    bulk_update(session, Notification, updates)
    if history:
        session.execute(insert(NotificationStatus), history)
    insert_ignore(session, Suppression, suppressions)
    session.commit()
    return len(events)


def _find(session, receipts: list[Receipt]) -> dict:
    ids = {_uuid(r.notification_id) for r in receipts} - {None}
    sids = {r.provider_message_id for r in receipts if r.provider_message_id}
    if not ids and not sids:
        return {}
    found = session.execute(
        select(Notification.id, Notification.status, Notification.contact_id,
               Notification.channel, Notification.address, Notification.provider,
               Notification.attempts, Notification.provider_message_id)
        .where(or_(Notification.id.in_(ids), Notification.provider_message_id.in_(sids)))
    ).all()
    index = {}
    for row in found:
        index[str(row.id)] = row
        if row.provider_message_id:
            index[row.provider_message_id] = row
    return index


def _uuid(value: str | None):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def apply_sms_keyword(session, number: str, body: str) -> str | None:
    """Handle STOP/START keywords from an inbound SMS; return what was done."""
    word = body.strip().upper()
    if word in {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}:
        insert_ignore(session, Suppression, [{"channel": "sms", "address": number,
                                              "reason": "stop", "detail": "inbound STOP",
                                              "created_at": utcnow()}])
        session.commit()
        return "suppressed"
    if word in {"START", "UNSTOP", "YES"}:
        session.execute(delete(Suppression).where(
            Suppression.channel == "sms", Suppression.address == number,
            Suppression.reason == "stop"))
        session.commit()
        return "resubscribed"
    return None
