"""Deliver a batch of queued notifications and record every outcome.

claim (one move to `sending`, under a short lease renewed while the batch is sent: see
lease) → build messages → provider batches (with failover for SMS and email) → bulk moves
of the rows to their outcomes (see outcomes).
Running a batch twice changes nothing the second time: only `queued` rows are claimed.
"""

import contextlib
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import Text, cast, select

from app import json_numbers, logs
from app.channels.base import (
    Message,
    PermanentError,
    ProviderError,
    SendResult,
    TransientError,
)
from app.channels.registry import provider_chain
from app.core.db import is_postgres, one_of
from app.core.delivery import circuits, lease, rules
from app.core.delivery.circuits import Breakers
from app.core.delivery.outcomes import NOT_ATTEMPTED, Outcome, record_outcomes
from app.core.delivery.transitions import move
from app.core.ops import throughput
from app.core.recipients.list_headers import with_list_headers
from app.core.templates.rendering import (
    RenderBudgetExceeded,
    RenderError,
    RenderLimits,
    check_limits,
    contact_context,
    pick_locale,
    render_channel,
)
from app.core.tracking.outgoing import LinkTracker
from app.models import CampaignRun, Contact, Device, Notification, TemplateVersion
from app.models.campaigns import RunStatus
from app.models.notifications import Status
from app.models.types import utcnow

log = logging.getLogger(__name__)

CLAIMED = (
    Notification.id,
    Notification.channel,
    Notification.attempts,
    Notification.contact_id,
    Notification.device_id,
    Notification.address,
    # As stored: a batch's rows mostly share one content, parsed once (see _stored_contents).
    cast(Notification.content, Text).label("content"),
    Notification.provider,
    Notification.template_version_id,
    Notification.category,
    Notification.expires_at,
)


@dataclass
class Batch:
    """A claimed batch on its way: its messages, the outcomes known so far, its lease."""

    channel: str
    ids: list[str]
    now: datetime
    rows: list = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    suppressed: int = 0
    by_id: dict = field(default_factory=dict)  # message id (the row's id as text) → row
    lease: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)


def deliver_batch(
    session, redis, config, pool, channel: str, ids: list[str], now: datetime | None = None
) -> dict[str, int]:
    """Claim, send and record one batch; return counts per resulting status."""
    batch = prepare(session, redis, config, channel, ids, now)
    with batch.lease:
        send(pool, redis, config, batch)
        return record(session, redis, config, batch)


def prepare(session, redis, config, channel: str, ids: list[str],
            now: datetime | None = None) -> Batch:
    """Claim the ids' queued rows, drop those the rules now block and build the messages
    of the others; the rows' lease is renewed until `batch.lease` is closed."""
    batch = Batch(channel, ids, now or utcnow())
    with logs.about(ids), contextlib.ExitStack() as held:
        batch.rows = _claim(session, config, ids, batch.now)
        if batch.rows:
            held.enter_context(lease.kept(session.get_bind(), [r.id for r in batch.rows],
                                          config.SEND_LEASE_SECONDS))
            _check_and_build(session, redis, config, batch)
        batch.lease = held.pop_all()
    return batch


def _check_and_build(session, redis, config, batch: Batch) -> None:
    blocked = rules.still_blocked(session, batch.rows, batch.now)
    if blocked:
        _suppress(session, [r for r in batch.rows if r.id in blocked], blocked, batch.now)
        batch.rows = [r for r in batch.rows if r.id not in blocked]
        batch.suppressed = len(blocked)
    batch.by_id = {str(row.id): row for row in batch.rows}  # each uuid made text once
    batch.messages, batch.outcomes = _build_messages(
        session, batch.by_id, RenderLimits.from_config(config),
        LinkTracker(session, redis, config))
    batch.messages = with_list_headers(session, config, batch.rows, batch.messages)
    session.commit()


def send(pool, redis, config, batch: Batch) -> None:
    """Send the batch's messages and add the providers' answers to its outcomes; no
    database work (a drain runs this beside its next batch's claim)."""
    if not batch.messages:
        return
    with logs.about(batch.ids):
        by_id = batch.by_id
        failed_over = Counter()  # transient errors sent on to the next provider: count them
        breakers = Breakers(redis, config, batch.now.timestamp)
        for name, results, moved_on in _send(pool, breakers, config, batch.channel,
                                             by_id, batch.messages):
            batch.outcomes += [Outcome(by_id[r.message_id], name, r) for r in results]
            failed_over[batch.channel, name, "error"] += moved_on
        with contextlib.suppress(RedisError):
            throughput.count(redis, +failed_over, batch.now)


def record(session, redis, config, batch: Batch) -> dict[str, int]:
    """Write the batch's outcomes and commit; return counts per resulting status."""
    with logs.about(batch.ids):
        counts = record_outcomes(session, redis, config, batch.outcomes, utcnow()) \
            if batch.outcomes else {}
        session.commit()
        if batch.suppressed:
            counts = {**counts, Status.SUPPRESSED: batch.suppressed}
        log.info("%s batch of %d: %s", batch.channel, len(batch.ids),
                 ", ".join(f"{n} {status}" for status, n in counts.items()) or "none claimed")
    return counts


def _claim(session, config, ids: list[str], now: datetime) -> list:
    # PostgreSQL reads the ids as text (a thousand uuid objects cost more to make in Python).
    ids = _hold_paused(session, ids if is_postgres(session) else [uuid.UUID(i) for i in ids],
                       now)
    lease_end = now + timedelta(seconds=config.SEND_LEASE_SECONDS)
    rows = move(session, ids, Status.SENDING, now=now,
                returning=CLAIMED, attempts=Notification.attempts + 1, due_at=lease_end)
    session.commit()  # the lease is visible: a crash from here on is swept and retried
    return rows


def _hold_paused(session, ids: list, now: datetime) -> list:
    """Rows of a paused campaign go back to held (its tick releases them on resume)."""
    paused = session.scalars(select(CampaignRun.id).where(
        CampaignRun.status == RunStatus.PAUSED)).all()
    if not paused:
        return ids
    held = move(session, select(Notification.id).where(
        Notification.id.in_(ids), Notification.campaign_run_id.in_(paused)),
        Status.ACCEPTED, now=now, detail="campaign paused", due_at=None)
    kept = {str(row.id) for row in held}
    return [i for i in ids if str(i) not in kept]


def _suppress(session, rows, reasons: dict, now: datetime) -> None:
    """Record rows the rules now block: suppressed, with the reason; no attempt spent."""
    move(session, [
        {"id": r.id, "status": Status.SUPPRESSED, "reason": reasons[r.id],
         "attempts": r.attempts - 1, "due_at": None, "detail": reasons[r.id]}
        for r in rows
    ], now=now)


def _build_messages(session, by_id: dict, limits: RenderLimits,
                    links: LinkTracker) -> tuple[list[Message], list[Outcome]]:
    """Turn claimed rows (by their id as text) into Messages; rows that cannot render fail
    right away."""
    rows = list(by_id.values())
    subscriptions = _web_subscriptions(session, rows)
    stored = _stored_contents(rows)
    contents = _render_missing(
        session, [r for r, content in zip(rows, stored, strict=True) if content is None], limits)
    messages, failed = [], []
    for (key, row), content in zip(by_id.items(), stored, strict=True):
        if content is None:
            content = contents.get(row.id)
        if isinstance(content, ProviderError):
            failed.append(Outcome(row, None, SendResult(key, error=content)))
            continue
        messages.append(
            Message(
                id=key,
                channel=row.channel,
                to=row.address,
                content=content,
                platform=None,
                subscription=subscriptions.get(row.device_id),
                category=row.category,
            )
        )
    return links.track(rows, messages), failed  # per recipient; the stored content keeps its own


def _stored_contents(rows) -> list:
    """Each row's stored content in the rows' order (None: rendered at send time), each
    distinct text parsed once; rows with the same text share one dict, which no one
    changes in place. A list, not a dict by id: a uuid hashes in Python, slowly."""
    parsed = {None: None}
    for row in rows:
        if row.content not in parsed:
            parsed[row.content] = json_numbers.loads(row.content)
    return [parsed[row.content] for row in rows]


def _web_subscriptions(session, rows) -> dict[int, dict]:
    device_ids = [r.device_id for r in rows if r.provider == "webpush" and r.device_id]
    if not device_ids:
        return {}
    found = session.execute(select(Device.id, Device.subscription).where(Device.id.in_(device_ids)))
    return dict(found.all())


def _render_missing(session, rows, limits: RenderLimits) -> dict:
    """Render rows queued without content (campaign fan-out renders at send time).

    A render that fails is a permanent failure (`render_error`, or `render_budget` when
    it went over its budget); once a variant has gone over, the batch's other rows of it
    fail at once rather than spend a budget each. Content without template markup is the
    same for everyone: it renders once per batch.
    """
    if not rows:
        return {}
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(one_of(session, Contact.id, list({r.contact_id for r in rows})))
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
    # Per (version, locale, channel): content the same for every row of it (no markup),
    # or the over-budget failure every row of it would meet again.
    out, shared = {}, {}
    for row in rows:
        contact, version = contacts.get(row.contact_id), versions.get(row.template_version_id)
        if contact is None or version is None:
            out[row.id] = ProviderError("contact or template version no longer exists", "gone")
            continue
        variant = pick_locale(version.content, contact.locale, version.default_locale)
        key = (version.id, id(variant), row.channel)
        if key in shared:
            out[row.id] = shared[key]
            continue
        out[row.id] = _render_row(row, variant, contact, limits)
        if getattr(out[row.id], "code", None) == RenderBudgetExceeded.code \
                or not _personal(variant.get(row.channel)):
            shared[key] = out[row.id]
    return out


def _personal(source) -> bool:
    """Whether content holds template markup (else it renders the same for everyone)."""
    text = json.dumps(source)
    return "{{" in text or "{%" in text or "{#" in text


def _render_row(row, variant: dict, contact, limits: RenderLimits):
    """Return the row's content, or the permanent error that stops it being sent."""
    try:
        content = render_channel(row.channel, variant.get(row.channel, {}),
                                 {"contact": contact_context(contact)}, limits=limits)
    except RenderError as exc:
        return ProviderError(exc.detail, exc.code)
    errors = check_limits(row.channel, content, f"/{row.channel}", limits)
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return ProviderError(detail, RenderError.code)
    return content


def _send(pool, breakers: Breakers, config, channel, by_id: dict, messages):
    """Yield (provider name, results, how many it failed over to the next provider):
    push by device provider, SMS/email with failover.

    A transient failure, or an open circuit, passes the messages on to the next provider
    in the chain; the last one's answer stands (an open circuit there: retry later).
    """
    groups: dict[str | None, list[Message]] = {}
    for message in messages:
        groups.setdefault(by_id[message.id].provider, []).append(message)
    for device_provider, group in groups.items():
        chain = provider_chain(channel, config, device_provider)
        if not chain:
            error = PermanentError(f"no {channel} provider configured", code="no_provider")
            yield None, [SendResult(m.id, error=error) for m in group], 0
            continue
        pending = group
        for position, name in enumerate(chain):
            results = _send_guarded(pool, breakers, name, pending)
            last = position == len(chain) - 1
            retry_elsewhere = {
                r.message_id for r in results if not last and isinstance(r.error, TransientError)
            }
            tried = sum(1 for r in results if r.message_id in retry_elsewhere
                        and r.error.code not in NOT_ATTEMPTED)  # no call was made
            yield name, [r for r in results if r.message_id not in retry_elsewhere], tried
            pending = [m for m in pending if m.id in retry_elsewhere]
            if not pending:
                break


def _send_guarded(pool, breakers: Breakers, name: str, messages: list[Message]):
    """Send through one provider unless its circuit is open; a half-open circuit gets one
    message as its probe, and the rest only if the probe went through."""
    verdict = breakers.allow(name)
    if verdict == circuits.OPEN:
        return _circuit_open(name, messages)
    if verdict == circuits.PROBE:
        probe = pool.send(name, messages[:1])
        if breakers.record(name, probe) != circuits.CLOSED:
            return probe + _circuit_open(name, messages[1:])
        messages, done = messages[1:], probe
    else:
        done = []
    results = pool.send(name, messages) if messages else []
    breakers.record(name, results)
    return done + results


def _circuit_open(name: str, messages: list[Message]) -> list[SendResult]:
    error = TransientError(f"{name} is failing: its circuit is open", code="circuit_open")
    return [SendResult(m.id, error=error) for m in messages]
