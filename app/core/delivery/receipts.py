"""Apply what providers report after a send: delivery receipts, bounces, complaints, STOP.

Providers read their own webhooks into neutral receipts (app.channels.webhooks); this
module applies them, never naming a provider's codes. Each report is applied once:
receipts carry the provider's event id, claimed in the transaction that applies them (see
app.core.delivery.webhooks). A status moves only as transitions.MOVES allows (forward,
from sending or sent); a receipt for the status a row already has is a duplicate.
"""
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select

from app.channels.webhooks import Receipt
from app.core.db import dialect_insert, insert_ignore
from app.core.delivery.transitions import allowed, move
from app.core.delivery.webhooks import claim
from app.models import Event, Notification, SmsKeyword, Suppression
from app.models.types import utcnow

# Inbound SMS keywords, matched whole, in any case, trimmed (the carriers' own list).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}


def apply_receipts(session, provider: str, receipts: list[Receipt],
                   keep_ids_for: timedelta | None) -> dict[str, int]:
    """Record receipts in bulk, each provider event id once, and commit.

    Return how many matched a notification we sent, and how many were duplicates.
    """
    now = utcnow()
    fresh = claim(session, provider, [r.event_id for r in receipts], now, keep_ids_for)
    new, seen = [], set()
    for receipt in receipts:
        if receipt.event_id is None or (receipt.event_id in fresh
                                         and receipt.event_id not in seen):
            new.append(receipt)
        seen.add(receipt.event_id)
    matched = _record(session, new, now)
    session.commit()
    return {"matched": matched, "duplicates": len(receipts) - len(new)}


def _record(session, receipts: list[Receipt], now: datetime) -> int:
    rows = _find(session, receipts)
    events, changes, suppressions = [], [], []
    moved: dict = {}  # the status this batch has moved a row to
    for receipt in receipts:
        row = rows.get(_canonical(receipt.notification_id)) or rows.get(
            receipt.provider_message_id)
        status = moved.get(row.id, row.status) if row is not None else None
        if row is None or (receipt.status and receipt.status == status):
            continue  # not ours, or a report of the status the row already has
        at = receipt.at or now
        events.append({"notification_id": row.id, "contact_id": row.contact_id,
                       "kind": receipt.kind, "url": receipt.url, "at": at})
        if receipt.status and allowed(status, receipt.status):
            moved[row.id] = receipt.status
            changes.append({"id": row.id, "status": receipt.status, "at": at,
                            "error_code": receipt.error_code})
        if receipt.suppress and row.address:
            suppressions.append({"channel": row.channel, "address": row.address,
                                 "reason": receipt.suppress, "created_at": now,
                                 "detail": receipt.error_code or ""})
    if events:  # an INSERT with no rows would write one row of defaults
        session.execute(insert(Event), events)
    move(session, changes, now=now)  # delivered and failed are final: a row moves once
    insert_ignore(session, Suppression, suppressions)
    return len(events)


def _find(session, receipts: list[Receipt]) -> dict:
    """The rows the receipts name, locked (in id order) so two receipts move a row once."""
    ids = {_uuid(r.notification_id) for r in receipts} - {None}
    sids = {r.provider_message_id for r in receipts if r.provider_message_id}
    if not ids and not sids:
        return {}
    found = session.execute(
        select(Notification.id, Notification.status, Notification.contact_id,
               Notification.channel, Notification.address, Notification.provider,
               Notification.attempts, Notification.provider_message_id)
        .where(or_(Notification.id.in_(ids), Notification.provider_message_id.in_(sids)))
        .order_by(Notification.id)
        .with_for_update()
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


def _canonical(value: str | None) -> str | None:
    """The id as the index spells it (lower case, hyphens), whatever spelling it came in."""
    parsed = _uuid(value)
    return str(parsed) if parsed else None


def sms_keyword(body: str) -> str | None:
    """The keyword an inbound SMS is: "stop", "start", "help", or None for other text."""
    word = body.strip().upper()
    for keyword, words in (("stop", STOP_WORDS), ("start", START_WORDS), ("help", HELP_WORDS)):
        if word in words:
            return keyword
    return None


def apply_sms_keyword(session, provider: str, number: str, body: str,
                      message_sid: str) -> str | None:
    """Handle a STOP/START keyword from an inbound SMS once; commit; return what was done
    ("help" for HELP, which changes nothing: the caller answers it).

    SMS providers sign no timestamp, so the inbound message id is all that tells a replay
    from a new message: ids are kept for good, and a replay of one already seen changes
    nothing. Of two keywords from one number, the one received last wins, even when the
    two are handled concurrently. A replay of a START never seen before cannot be told
    from a new START.
    """
    keyword = sms_keyword(body)
    if keyword in (None, "help"):
        return keyword
    now = utcnow()
    if not claim(session, provider, [message_sid], now, keep_for=None):
        session.rollback()
        return "duplicate"
    if not _latest_keyword(session, number, keyword, message_sid, now):
        session.commit()
        return "outdated"
    if keyword == "stop":
        insert_ignore(session, Suppression, [{"channel": "sms", "address": number,
                                              "reason": "stop", "detail": "inbound STOP",
                                              "created_at": now}])
    else:
        session.execute(delete(Suppression).where(
            Suppression.channel == "sms", Suppression.address == number,
            Suppression.reason == "stop"))
    session.commit()
    return "suppressed" if keyword == "stop" else "resubscribed"


def _latest_keyword(session, number: str, keyword: str, message_sid: str,
                    now: datetime) -> bool:
    """Record the number's keyword unless a later one is recorded; return whether it was."""
    stmt = dialect_insert(session, SmsKeyword).values(
        number=number, keyword=keyword, message_sid=message_sid, received_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["number"],
        set_={c: stmt.excluded[c] for c in ("keyword", "message_sid", "received_at")},
        where=SmsKeyword.received_at < stmt.excluded.received_at,
    ).returning(SmsKeyword.id)
    return session.execute(stmt).first() is not None
