"""Move the hits Redis holds into the events table: classified, in bulk (the events
worker runs this every EVENTS_DRAIN_SECONDS).

Hits are read from the head of the list, stored, committed, and only then trimmed off:
a crash in between stores a batch twice rather than lose it. A lock keeps drains from
overlapping.
"""
import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from app.core.ops.partitions import first_id
from app.core.tracking import machines, tokens
from app.core.tracking.app_events import COPIED, copied_columns
from app.core.tracking.hits import HITS
from app.models import Event, Notification, ShortLink, TrackedLink

BATCH = 5000
LOCK = "herald:hits:drain"
CLOCK_SKEW = timedelta(minutes=10)  # the hit servers' clocks against the drain's


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
        # A message whose contact was erased (its row kept, anonymous) is still counted,
        # but who opened or clicked it is not kept: no address, no user agent.
        erased = hit.get("n") in sent and contact_id is None
        rows.append({
            "notification_id": uuid.UUID(hit["n"]) if hit.get("n") in sent else None,
            "contact_id": contact_id, **dict.fromkeys(COPIED), **copied, "kind": hit["k"],
            "at": at,
            "link_id": hit.get("l") if hit.get("l") in urls else None,
            "url": urls.get(hit.get("l")), "machine": why is not None, "reason": why,
            "ip": None if erased else hit["ip"],
            "user_agent": None if erased else (hit["user_agent"] or "")[:512] or None,
            "data": {"method": hit["method"], "prefetch": hit["prefetch"]},
        })
    _all_links_at_once(session, hits, rows)
    return rows


def _all_links_at_once(session, hits: list[dict], rows: list[dict]) -> None:
    """Mark the clicks of a message that had every link clicked within a second. Clicks
    stored by earlier drains count too (the second may span two drains), and are marked."""
    new = [(i, (h.get("n"), h["t"], h.get("l"), h.get("c") or 0))
           for i, h in enumerate(hits) if h["k"] == "clicked" and h.get("l")]
    if not new:
        return
    earlier = _stored_clicks(session, [(rows[i]["notification_id"], c[1]) for i, c in new])
    marked = []  # stored events to mark
    for position in machines.all_links_at_once([c for _, c in new] + [c for _, c in earlier]):
        if position >= len(new):
            marked.append(earlier[position - len(new)][0])
        elif not (row := rows[new[position][0]])["machine"]:
            row.update(machine=True, reason="all_links")
    if marked:
        session.execute(update(Event).where(Event.id.in_(marked), Event.machine.is_(False))
                        .values(machine=True, reason="all_links"))


def _stored_clicks(session, clicks: list[tuple]) -> list[tuple]:
    """[(event id, (notification id, time, link id, 0))] for the stored clicks of these
    (notification id, time) clicks' messages within a window of their times."""
    ids = {nid for nid, _ in clicks if nid is not None}
    if not ids:
        return []
    times = [t for nid, t in clicks if nid is not None]
    window = timedelta(seconds=machines.ALL_LINKS_SECONDS)
    earliest = datetime.fromtimestamp(min(times), UTC) - window
    found = session.execute(
        select(Event.id, Event.notification_id, Event.at, Event.link_id)
        .where(Event.notification_id.in_(ids), Event.kind == "clicked",
               Event.link_id.is_not(None),
               Event.at.between(earliest, datetime.fromtimestamp(max(times), UTC) + window),
               # An event's id is when it was stored, after its click: only the days
               # since are read (partitions), with room for clocks that differ.
               Event.id >= first_id(earliest - CLOCK_SKEW)))
    return [(event, (str(nid), at.timestamp(), link, 0)) for event, nid, at, link in found]


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
