"""Move the hits Redis holds into the events table: classified, in bulk (the events
worker runs this every EVENTS_DRAIN_SECONDS).

Hits are read from the head of the list, stored, committed, and only then trimmed off:
a crash in between stores a batch twice rather than lose it. A lock keeps drains from
overlapping.
"""
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from app.core.tracking import machines, tokens
from app.core.tracking.app_events import COPIED, copied_columns
from app.core.tracking.hits import HITS
from app.models import Event, Notification, ShortLink, TrackedLink

BATCH = 5000
LOCK = "herald:hits:drain"


def drain(session, redis, config, batch: int = BATCH) -> int:
    """Store every hit waiting in Redis; return how many were stored."""
    lock = redis.lock(LOCK, timeout=300)
    if not lock.acquire(blocking=False):
        return 0
    stored = 0
    try:
        while raw := redis.lrange(HITS, 0, batch - 1):
            store(session, config, raw)
            session.commit()
            redis.ltrim(HITS, len(raw), -1)
            stored += len(raw)
    finally:
        lock.release()
    return stored


def store(session, config, raw: list) -> None:
    """Classify raw hits (JSON, as hits.py appends them) and insert them as events."""
    session.execute(insert(Event), _events(session, config, [json.loads(r) for r in raw]))


def _events(session, config, hits: list[dict]) -> list[dict]:
    shorts = _short_links(session, {h["s"] for h in hits if "s" in h})
    for hit in hits:
        if "s" in hit:
            hit["n"], hit["l"], hit["c"] = shorts.get(hit["s"], (None, None, 1))
    sent = _notifications(session, {h["n"] for h in hits if h.get("n")})
    urls = _urls(session, {h["l"] for h in hits if h.get("l")})
    rows = []
    for hit in hits:
        at = datetime.fromtimestamp(hit["t"], UTC)
        seen = machines.Hit(hit["k"], at, hit["method"], hit["prefetch"],
                            hit.get("l") == tokens.HONEYPOT, hit["ip"], hit["user_agent"])
        contact_id, sent_at, copied = sent.get(hit.get("n"), (None, None, {}))
        why = machines.reason(seen, sent_at, config.TRACKING_MIN_SECONDS)
        rows.append({
            "notification_id": uuid.UUID(hit["n"]) if hit.get("n") in sent else None,
            "contact_id": contact_id, **dict.fromkeys(COPIED), **copied, "kind": hit["k"],
            "at": at,
            "link_id": hit.get("l") if hit.get("l") in urls else None,
            "url": urls.get(hit.get("l")), "machine": why is not None, "reason": why,
            "ip": hit["ip"], "user_agent": (hit["user_agent"] or "")[:512] or None,
            "data": {"method": hit["method"], "prefetch": hit["prefetch"]},
        })
    clicks = [(i, (h.get("n"), int(h["t"]), h.get("l"), h.get("c") or 0))
              for i, h in enumerate(hits) if h["k"] == "clicked" and h.get("l")]
    for position in machines.all_links_at_once([c for _, c in clicks]):
        row = rows[clicks[position][0]]
        if not row["machine"]:
            row.update(machine=True, reason="all_links")
    return rows


def _short_links(session, codes: set) -> dict:
    """{code: (notification id, link id, links in the message)} for SMS short codes."""
    if not codes:
        return {}
    found = session.execute(select(ShortLink.code, ShortLink.notification_id, ShortLink.link_id)
                            .where(ShortLink.code.in_(codes))).all()
    per_message = dict(session.execute(
        select(ShortLink.notification_id, func.count()).group_by(ShortLink.notification_id)
        .where(ShortLink.notification_id.in_({nid for _, nid, _ in found}))).all())
    return {code: (str(nid), link, per_message[nid]) for code, nid, link in found}


def _notifications(session, ids: set) -> dict:
    """{notification id: (contact id, sent at, {what its events copy})}."""
    if not ids:
        return {}
    found = session.execute(select(Notification.id, Notification.contact_id,
                                   Notification.sent_at, *copied_columns())
                            .where(Notification.id.in_([uuid.UUID(i) for i in ids])))
    return {str(nid): (contact, sent_at, dict(zip(COPIED, rest, strict=True)))
            for nid, contact, sent_at, *rest in found}


def _urls(session, ids: set) -> dict:
    ids.discard(tokens.HONEYPOT)
    if not ids:
        return {}
    return dict(session.execute(select(TrackedLink.id, TrackedLink.url)
                                .where(TrackedLink.id.in_(ids))).all())
