"""Record what providers answered: statuses, backoff, history, dead tokens and addresses.

Bulk moves (rows and their status history, see transitions): the rows a request sent
together (one provider message id for all of them, as SendGrid answers) move as one list
of ids; every other outcome goes in one per-row move. A row a receipt has already moved
on (delivered, failed) keeps its status. Transient errors retry
with backoff (never sooner than Retry-After) until MAX_ATTEMPTS, then the row is dead and
operators are alerted.
"""

import contextlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import select, update

from app.channels.base import InvalidRecipient, RateLimited, SendResult, TransientError
from app.core.db import insert_ignore
from app.core.delivery.transitions import move
from app.core.ops import alerts, throughput
from app.models import Device, Suppression
from app.models.notifications import Status


@dataclass
class Outcome:
    row: object  # the claimed row
    provider: str | None
    result: SendResult



# Deferrals that made no provider call (deliver's open circuit, pacing's wait).
NOT_ATTEMPTED = frozenset({"circuit_open", "rate_wait"})
# Sent rows sharing a provider message id from this many up move as one list of ids: one
# array of ids instead of one per column, and a statement PostgreSQL prunes to the ids'
# partitions. Fewer (providers answering an id per message) stay in the per-row move.
SHARED_ANSWER = 50


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
        "due_at": None,
        "error_code": None,
        "error_message": None,
        "provider_message_id": outcome.result.provider_message_id,
    }
    if error is None:
        return {**values, "status": Status.SENT, "detail": outcome.result.provider_message_id}
    values.update(
        error_code=str(error.code or type(error).__name__), error_message=str(error)[:2000]
    )
    values["detail"] = values["error_message"] or outcome.result.provider_message_id
    if isinstance(error, TransientError) and error.code in NOT_ATTEMPTED:
        # No provider was called (its circuit is open, or its send rate is spent): the
        # claim's attempt is given back, so an outage longer than the retries kills nothing.
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        delay = backoff_seconds(config, max(row.attempts - 1, 1), retry_after)
        return {**values, "status": Status.RETRYING, "attempts": max(row.attempts - 1, 0),
                "due_at": now + timedelta(seconds=delay)}
    if isinstance(error, TransientError) and row.attempts < config.MAX_ATTEMPTS:
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        delay = backoff_seconds(config, row.attempts, retry_after)
        return {**values, "status": Status.RETRYING, "due_at": now + timedelta(seconds=delay)}
    return {**values, "status": Status.DEAD if isinstance(error, TransientError) else Status.FAILED}


def record_outcomes(session, redis, config, outcomes: list[Outcome],
                    now: datetime) -> dict[str, int]:
    """Write every outcome in bulk; return counts per resulting status of the rows moved.

    A row a receipt has moved on meanwhile (delivered, failed) is left as it is.
    """
    moved = _move_outcomes(session, config, outcomes, now)
    _handle_dead_recipients(session, outcomes, now)
    counts = dict(Counter(row.status for row in moved))
    dead = _alerted_dead(moved, outcomes) if Status.DEAD in counts else []
    with contextlib.suppress(RedisError):  # alerts and counters are for watching; the rows
        throughput.count(redis, _tally(outcomes, set(dead)), now)  # must commit
        if dead:
            alerts.raise_alert(redis, config, "dead_notifications",
                               {"count": len(dead), "ids": [str(i) for i in dead[:20]]})
    return counts


def _alerted_dead(moved: list, outcomes: list[Outcome]) -> list:
    """The ids of the rows that died, but alert emails: a failing email channel must not
    feed itself."""
    died = {r.id for r in moved if r.status == Status.DEAD}
    alerting = {o.row.id for o in outcomes
                if o.row.id in died and o.row.category == alerts.CATEGORY}
    return [r.id for r in moved if r.id in died and r.id not in alerting]


def _move_outcomes(session, config, outcomes: list[Outcome], now: datetime) -> list:
    """Move the outcomes' rows: sent rows sharing a request's answer by their ids, the
    others each with its own values."""
    shared: dict[tuple, list[Outcome]] = {}
    for o in outcomes:
        if o.result.error is None:
            shared.setdefault((o.provider, o.result.provider_message_id), []).append(o)
    moved, each = [], []
    for (provider, message_id), group in shared.items():
        if len(group) < SHARED_ANSWER:
            each += group
            continue
        moved += move(session, [o.row.id for o in group], Status.SENT, now=now,
                      detail=message_id, provider=provider, provider_message_id=message_id,
                      due_at=None, error_code=None, error_message=None)
    each += [o for o in outcomes if o.result.error is not None]
    if each:
        moved += move(session, [_classify(config, o, now) for o in each], now=now)
    return moved


def _tally(outcomes: list[Outcome], dead: set) -> Counter:
    """(channel, provider, sent|error|dead) → how many, for the throughput counters."""
    tally = Counter((o.row.channel, o.provider, "sent" if o.result.error is None else "error")
                    for o in outcomes)
    if dead:
        tally.update((o.row.channel, o.provider, "dead") for o in outcomes if o.row.id in dead)
    return tally


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
            "reason": o.result.error.reason,
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
