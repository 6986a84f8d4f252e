"""Deliver a batch of queued notifications and record every outcome.

claim (one UPDATE … RETURNING) → build messages → provider batches (with failover for
SMS and email) → one bulk UPDATE of the rows, one bulk INSERT of the status history.
Running a batch twice changes nothing the second time: only `queued` rows are claimed.
"""

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    ProviderError,
    RateLimited,
    SendResult,
    TransientError,
)
from app.channels.registry import provider_chain
from app.core import alerts, rules
from app.core.db import insert_ignore
from app.core.rendering import RenderError, contact_context, pick_locale, render_channel
from app.models import (
    Contact,
    Device,
    Notification,
    NotificationStatus,
    Suppression,
    TemplateVersion,
)
from app.models.notifications import (
    DEAD,
    FAILED,
    QUEUED,
    RETRYING,
    SENDING,
    SENT,
    SUPPRESSED,
)
from app.models.types import utcnow

log = logging.getLogger(__name__)

CLAIMED = (
    Notification.id,
    Notification.channel,
    Notification.attempts,
    Notification.contact_id,
    Notification.device_id,
    Notification.address,
    Notification.content,
    Notification.provider,
    Notification.template_version_id,
    Notification.category,
)


@dataclass
class Outcome:
    row: object  # the claimed row
    provider: str | None
    result: SendResult


def deliver_batch(
    session, redis, config, pool, channel: str, ids: list[str], now: datetime | None = None
) -> dict[str, int]:
    """Claim, send and record one batch; return counts per resulting status."""
    now = now or utcnow()
    rows = _claim(session, config, ids, now)
    if not rows:
        return {}
    blocked = rules.still_blocked(session, rows)
    if blocked:
        _suppress(session, [r for r in rows if r.id in blocked], blocked, now)
        rows = [r for r in rows if r.id not in blocked]
        if not rows:
            session.commit()
            return {SUPPRESSED: len(blocked)}
    messages, outcomes = _build_messages(session, rows)
    by_id = {str(row.id): row for row in rows}
    for name, results in _send(pool, config, channel, rows, messages):
        outcomes += [Outcome(by_id[r.message_id], name, r) for r in results]
    counts = _record(session, redis, config, outcomes, utcnow())
    session.commit()
    return {**counts, SUPPRESSED: len(blocked)} if blocked else counts


def _claim(session, config, ids: list[str], now: datetime) -> list:
    lease = now + timedelta(seconds=config.SEND_LEASE_SECONDS)
    stmt = (
        update(Notification)
        .where(Notification.id.in_([uuid.UUID(i) for i in ids]), Notification.status == QUEUED)
        .values(status=SENDING, attempts=Notification.attempts + 1, due_at=lease, updated_at=now)
        .returning(*CLAIMED)
    )
    rows = session.execute(stmt, execution_options={"synchronize_session": False}).all()
    session.commit()  # the lease is visible: a crash from here on is swept and retried
    return rows


def _suppress(session, rows, reasons: dict, now: datetime) -> None:
    """Record rows the rules now block: suppressed, with the reason; no attempt spent."""
    session.execute(update(Notification), [
        {"id": r.id, "status": SUPPRESSED, "reason": reasons[r.id], "attempts": r.attempts - 1,
         "due_at": None, "updated_at": now}
        for r in rows
    ])
    session.execute(insert(NotificationStatus), [
        {"notification_id": r.id, "status": SUPPRESSED, "attempt": r.attempts - 1, "at": now,
         "detail": reasons[r.id]}
        for r in rows
    ])


def _build_messages(session, rows) -> tuple[list[Message], list[Outcome]]:
    """Turn claimed rows into Messages; rows that cannot render fail right away."""
    subscriptions = _web_subscriptions(session, rows)
    contents = _render_missing(session, [r for r in rows if r.content is None])
    messages, failed = [], []
    for row in rows:
        content = row.content if row.content is not None else contents.get(row.id)
        if isinstance(content, ProviderError):
            failed.append(Outcome(row, None, SendResult(str(row.id), error=content)))
            continue
        messages.append(
            Message(
                id=str(row.id),
                channel=row.channel,
                to=row.address,
                content=content,
                platform=None,
                subscription=subscriptions.get(row.device_id),
                category=row.category,
            )
        )
    return messages, failed


def _web_subscriptions(session, rows) -> dict[int, dict]:
    device_ids = [r.device_id for r in rows if r.provider == "webpush" and r.device_id]
    if not device_ids:
        return {}
    found = session.execute(select(Device.id, Device.subscription).where(Device.id.in_(device_ids)))
    return dict(found.all())


def _render_missing(session, rows) -> dict:
    """Render rows queued without content (campaign fan-out renders at send time)."""
    if not rows:
        return {}
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(Contact.id.in_({r.contact_id for r in rows}))
        )
    }
    versions = {
        v.id: v
        for v in session.scalars(
            select(TemplateVersion).where(
                TemplateVersion.id.in_({r.template_version_id for r in rows})
            )
        )
    }
    out = {}
    for row in rows:
        contact, version = contacts.get(row.contact_id), versions.get(row.template_version_id)
        if contact is None or version is None:
            out[row.id] = ProviderError("contact or template version no longer exists", "gone")
            continue
        variant = pick_locale(version.content, contact.locale, version.default_locale)
        try:
            out[row.id] = render_channel(
                row.channel, variant.get(row.channel, {}), {"contact": contact_context(contact)}
            )
        except RenderError as exc:
            out[row.id] = ProviderError(exc.detail, "render_error")
    return out


def _send(pool, config, channel, rows, messages):
    """Yield (provider name, results): push by device provider, SMS/email with failover."""
    provider_of = {str(r.id): r.provider for r in rows}
    groups: dict[str | None, list[Message]] = {}
    for message in messages:
        groups.setdefault(provider_of[message.id], []).append(message)
    for device_provider, group in groups.items():
        chain = provider_chain(channel, config, device_provider)
        if not chain:
            error = PermanentError(f"no {channel} provider configured", code="no_provider")
            yield None, [SendResult(m.id, error=error) for m in group]
            continue
        pending = group
        for position, name in enumerate(chain):
            results = pool.send(name, pending)
            last = position == len(chain) - 1
            retry_elsewhere = {
                r.message_id for r in results if not last and isinstance(r.error, TransientError)
            }
            yield name, [r for r in results if r.message_id not in retry_elsewhere]
            pending = [m for m in pending if m.id in retry_elsewhere]
            if not pending:
                break


def backoff_seconds(config, attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the provider's Retry-After."""
    ceiling = min(config.RETRY_MAX_SECONDS, config.RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    delay = random.uniform(ceiling / 2, ceiling)
    return max(delay, retry_after or 0)


def _classify(config, outcome: Outcome, now: datetime) -> dict:
    row, error = outcome.row, outcome.result.error
    values = {
        "id": row.id,
        "provider": outcome.provider,
        "updated_at": now,
        "due_at": None,
        "error_code": None,
        "error_message": None,
        "provider_message_id": outcome.result.provider_message_id,
    }
    if error is None:
        return {**values, "status": SENT, "sent_at": now}
    values.update(
        error_code=str(error.code or type(error).__name__), error_message=str(error)[:2000]
    )
    if isinstance(error, TransientError) and row.attempts < config.MAX_ATTEMPTS:
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        delay = backoff_seconds(config, row.attempts, retry_after)
        return {**values, "status": RETRYING, "due_at": now + timedelta(seconds=delay)}
    status = DEAD if isinstance(error, TransientError) else FAILED
    return {**values, "status": status, "failed_at": now}


def _record(session, redis, config, outcomes: list[Outcome], now: datetime) -> dict[str, int]:
    updates = [_classify(config, o, now) for o in outcomes]
    by_key: dict[tuple, list[dict]] = {}
    for values in updates:  # executemany needs one key set per statement
        by_key.setdefault(tuple(sorted(values)), []).append(values)
    for group in by_key.values():
        session.execute(update(Notification), group)
    session.execute(
        insert(NotificationStatus),
        [
            {
                "notification_id": o.row.id,
                "status": v["status"],
                "attempt": o.row.attempts,
                "provider": o.provider,
                "error_code": v["error_code"],
                "at": now,
                "detail": v["error_message"] or o.result.provider_message_id,
            }
            for o, v in zip(outcomes, updates, strict=True)
        ],
    )
    _handle_dead_recipients(session, outcomes, now)
    counts: dict[str, int] = {}
    for values in updates:
        counts[values["status"]] = counts.get(values["status"], 0) + 1
    if counts.get(DEAD):
        alerts.raise_alert(
            redis,
            config,
            "dead_notifications",
            {
                "count": counts[DEAD],
                "ids": [str(v["id"]) for v in updates if v["status"] == DEAD][:20],
            },
        )
    return counts


def _handle_dead_recipients(session, outcomes: list[Outcome], now: datetime) -> None:
    """Deactivate devices with dead tokens; suppress numbers and addresses that bounce."""
    dead = [o for o in outcomes if isinstance(o.result.error, InvalidRecipient)]
    renewed = _registered_since(session, dead)
    devices = {o.row.device_id: o.result.error.code for o in dead
               if o.row.device_id and o.row.device_id not in renewed}
    for code in set(devices.values()):
        ids = [d for d, c in devices.items() if c == code]
        session.execute(
            update(Device)
            .where(Device.id.in_(ids))
            .values(
                active=False, deactivated_at=now, deactivated_reason=str(code or "invalid")[:64]
            )
        )
    suppressions = [
        {
            "channel": o.row.channel,
            "address": o.row.address,
            "created_at": now,
            "reason": "stop" if str(o.result.error.code) == "21610" else "invalid_recipient",
            "detail": str(o.result.error)[:512],
        }
        for o in dead
        if o.row.channel != "push" and o.row.address
    ]
    insert_ignore(session, Suppression, suppressions)


def _registered_since(session, dead: list[Outcome]) -> set[int]:
    """Devices registered again after the provider saw their token die (APNs 410 timestamp).

    The app re-registering the token later means it works again: keep the device.
    """
    died = {o.row.device_id: datetime.fromtimestamp(o.result.detail["timestamp"] / 1000, UTC)
            for o in dead if o.row.device_id and "timestamp" in o.result.detail}
    if not died:
        return set()
    seen = session.execute(select(Device.id, Device.last_seen_at).where(Device.id.in_(died)))
    return {device_id for device_id, last_seen in seen if last_seen and last_seen > died[device_id]}
