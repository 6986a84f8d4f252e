"""Turn a send request into notification rows: expand, render, apply rules, write.

The caller commits, then calls enqueue(): a row is always in the database before its
job is in Redis, so nothing is lost if Redis is down (the sweeper queues it later).
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.core.db import one_of
from app.core.delivery import recipients, rules
from app.core.delivery.transitions import creation_times, record_created
from app.core.templates.rendering import (
    RenderBudgetExceeded,
    RenderError,
    RenderLimits,
    check_limits,
    contact_context,
    email_size_errors,
    pick_locale,
    render_channel,
)
from app.errors import ValidationFailed
from app.models import Device, Template
from app.models.contacts import CHANNELS
from app.models.notifications import Status
from app.models.types import new_uuids_and_texts, utcnow
from app.queues import enqueue_ids

# A send_at this far back is taken as "now" (clocks differ); earlier ones are refused.
SEND_AT_GRACE = timedelta(minutes=5)
# The statuses the per-row loops compare with: reading an enum member is a descriptor
# call in Python 3.11, twice the comparison itself, a few times per row.
QUEUED, ACCEPTED, SUPPRESSED = Status.QUEUED, Status.ACCEPTED, Status.SUPPRESSED


@dataclass
class SendRequest:
    recipients: list[str]  # contact external ids
    category: str
    channels: list[str] | None = None  # None: every channel each contact can receive
    template: str | None = None
    data: dict = field(default_factory=dict)
    content: dict | None = None  # inline {"push": {...}, "sms": {...}, "email": {...}}
    send_at: datetime | None = None
    event_id: str | None = None
    # What its rate limits count it as, set when first counted: the same request run
    # again (its group commit failed, and it is sent alone) is not counted twice.
    counted_as: str | None = None


@dataclass
class Accepted:
    rows: list[dict]  # the rows as written, suppressed ones too, with the contact's
    # "external_id" and the id as text, "id_text" (made once, for the queue and replies)

    @property
    def notifications(self) -> list[SimpleNamespace]:
        """The rows as records, read as a Notification is (attributes)."""
        return [SimpleNamespace(**row) for row in self.rows]

    def due_ids(self) -> dict[str, list[str]]:
        """Group the ids ready to queue now by channel (as text: the queue's form)."""
        grouped: dict[str, list[str]] = {}
        for row in self.rows:
            if row["status"] == QUEUED:
                grouped.setdefault(row["channel"], []).append(row["id_text"])
        return grouped


@dataclass(slots=True)
class _Plan:
    """One (contact, channel, address) a request expands to, before rules apply (slots:
    a thousand of them a request, no dict each for the garbage collector to walk)."""

    contact: Any  # a row of recipients.load(): the contact and its facts
    channel: str
    address: str | None
    device: Device | None = None
    content: dict | None = None
    status: Status = Status.QUEUED
    reason: str | None = None
    send_at: datetime | None = None


def accept(
    session,
    redis,
    config,
    request: SendRequest,
    *,
    api_key_id=None,
    source="api",
    now: datetime | None = None,
) -> Accepted:
    """Validate, expand, render and rule-check a request; add its rows to the session."""
    now = now or utcnow()
    _check_send_at(request.send_at, now, config)
    version = _load_template_version(session, request.template)
    found = recipients.load(session, request.category, request.recipients,
                            with_fields=_names_contact(request, version))
    category = _known_category(found, request.category)
    contacts = _known_contacts(found, request.recipients)
    plans = _expand(session, contacts, request.channels)
    _render(plans, request, version, RenderLimits.from_config(config))
    _apply_rules(session, redis, config, category, plans, request, request.send_at or now)
    rows = _write(session, config, plans, request, category, version, api_key_id, source, now)
    return Accepted(rows)


def enqueue(redis, config, accepted: Accepted) -> None:
    """Queue the due rows in batches; a Redis outage leaves them for the sweeper."""
    enqueue_ids(redis, config, accepted.due_ids())


def _check_send_at(send_at: datetime | None, now: datetime, config) -> None:
    """Refuse a send_at before SEND_AT_GRACE ago or past MAX_SCHEDULE_DAYS from now."""
    if send_at is None:
        return
    if not now - SEND_AT_GRACE <= send_at <= now + timedelta(days=config.MAX_SCHEDULE_DAYS):
        message = (f"must be from {SEND_AT_GRACE.seconds // 60} minutes ago to "
                   f"{config.MAX_SCHEDULE_DAYS} days from now")
        raise ValidationFailed(f"send_at {message}", [{"field": "/send_at", "message": message}])


def _known_category(found: recipients.Recipients, key: str) -> recipients.CategoryRules:
    if found.category is None:
        raise ValidationFailed(
            f"Unknown category {key!r}", [{"field": "/category", "message": "unknown category"}]
        )
    return found.category


def _load_template_version(session, key: str | None):
    if key is None:
        return None
    template = session.scalar(select(Template).where(Template.key == key))
    if template is None or template.published_version is None:
        message = "unknown template" if template is None else "template has no published version"
        raise ValidationFailed(
            f"Template {key!r}: {message}", [{"field": "/template", "message": message}]
        )
    return template.published_version


def _names_contact(request: SendRequest, version) -> bool:
    """Whether the content can show a contact's fields (else tags and attributes, the
    costly columns to load, are left in the database)."""
    return "contact" in json.dumps(version.content if version else request.content)


def _known_contacts(found: recipients.Recipients, external_ids: list[str]) -> list:
    errors = [
        {"field": f"/recipients/{i}", "message": f"unknown contact {ext!r}"}
        for i, ext in enumerate(external_ids)
        if ext not in found.contacts
    ]
    if errors:
        raise ValidationFailed("Some recipients are not known contacts", errors)
    return [found.contacts[ext] for ext in dict.fromkeys(external_ids)]


def _expand(session, contacts: list, channels: list[str] | None) -> list[_Plan]:
    """One plan per contact × channel (× active device for push)."""
    devices: dict[int, list[Device]] = {}
    if channels is None or "push" in channels:
        for device in session.scalars(
            select(Device).where(
                one_of(session, Device.contact_id, [c.id for c in contacts]),
                Device.active.is_(True),
            )
        ):
            devices.setdefault(device.contact_id, []).append(device)
    plans = []
    named = list(dict.fromkeys(channels)) if channels else None
    for contact in contacts:
        mine = devices.get(contact.id)
        for channel in named or _reachable(contact, mine):
            if channel == "push":
                if mine:
                    plans += [_Plan(contact, "push", d.token, d) for d in mine]
                    continue
            elif address := getattr(contact, _ADDRESS[channel]):
                plans.append(_Plan(contact, channel, address))
                continue
            plans.append(_Plan(contact, channel, None, status=SUPPRESSED, reason="no_address"))
    return plans


def _reachable(contact, devices: list | None) -> list[str]:
    """The channels a contact can receive: push with an active device, SMS with a phone,
    email with an email address."""
    return [c for c in CHANNELS if (devices if c == "push" else getattr(contact, _ADDRESS[c]))]


_ADDRESS = recipients.ADDRESS_COLUMN


def _render(plans: list[_Plan], request: SendRequest, version, limits: RenderLimits) -> None:
    """Render every plan's content; collect every error before raising.

    Each message renders under its own budget; the first to go over it ends the request
    (the others would most likely go over too, one budget each).
    """
    email = (request.content or {}).get("email") if version is None else None
    errors = email_size_errors(email, "/content/email", limits) if email else []
    if errors:
        raise ValidationFailed("The notification cannot be rendered", errors)
    shared: dict[tuple[int, str], dict] = {}  # content naming no contact renders once
    for plan in plans:
        if plan.status == SUPPRESSED:
            continue
        if version is not None:
            variant = pick_locale(version.content, plan.contact.locale, version.default_locale)
            source, prefix = variant.get(plan.channel), "/template"
        else:
            source, prefix = (request.content or {}).get(plan.channel), "/content"
        if source is None:
            plan.status, plan.reason = SUPPRESSED, "no_content"
            continue
        if (id(source), plan.channel) in shared:
            plan.content = shared[id(source), plan.channel]
            continue
        context = {**request.data, "data": request.data, "contact": contact_context(plan.contact)}
        try:
            plan.content = render_channel(plan.channel, source, context, prefix, limits=limits)
        except RenderError as exc:
            errors += exc.errors
            if isinstance(exc, RenderBudgetExceeded):
                break
            continue
        errors += check_limits(plan.channel, plan.content, f"{prefix}/{plan.channel}", limits)
        if "contact" not in json.dumps(source):  # the only variable that differs per plan
            shared[id(source), plan.channel] = plan.content
    if errors:
        unique = list({(e["field"], e["message"]): e for e in errors}.values())
        raise ValidationFailed("The notification cannot be rendered", unique)


def _apply_rules(session, redis, config, category, plans: list[_Plan], request: SendRequest,
                 at: datetime) -> None:
    live = [p for p in plans if p.status != SUPPRESSED]
    tokens = rules.suppressed_addresses(
        session, {(p.channel, p.address) for p in live if p.channel not in _ADDRESS})
    for plan in live:
        if (plan.channel, plan.address) in tokens or (
                plan.channel in _ADDRESS and recipients.is_suppressed(plan.contact, plan.channel)):
            plan.status, plan.reason = SUPPRESSED, "suppressed_address"
    if category.critical:
        return
    live = [p for p in live if p.status != SUPPRESSED]
    window = rules.quiet_window(config, category)
    for plan in live:
        if recipients.opted_out(category, plan.contact, plan.channel):
            plan.status, plan.reason = SUPPRESSED, "opted_out"
        elif until := rules.quiet_until(at, plan.contact.timezone, window):
            plan.status, plan.reason, plan.send_at = ACCEPTED, "quiet_hours", until
    _apply_rate_limits(redis, config, category, [p for p in live if p.status != SUPPRESSED],
                       request)


def _apply_rate_limits(redis, config, category, plans: list[_Plan],
                       request: SendRequest) -> None:
    """Count one send per contact and channel (all of a contact's devices are one push)."""
    limits = {channel: rules.limit_for(category, channel, config)
              for channel in {plan.channel for plan in plans}}
    firsts: dict[tuple[int, str], list[_Plan]] = {}
    for plan in plans:
        if limits[plan.channel]:
            firsts.setdefault((plan.contact.id, plan.channel), []).append(plan)
    hits, groups = [], []
    for (contact_id, channel), group in firsts.items():
        hits.append((rules.rate_limit_key(category.key, channel, contact_id), *limits[channel]))
        groups.append(group)
    if not hits:
        return
    request.counted_as = request.counted_as or uuid.uuid4().hex
    admitted = rules.admit(redis, hits, send=request.counted_as)
    for allowed, group in zip(admitted, groups, strict=True):
        if not allowed:
            for plan in group:
                plan.status, plan.reason, plan.send_at = SUPPRESSED, "rate_limited", None


def _first_due(status: str, send_at, now: datetime, config):
    """When the sweeper should look at a new row (release it, or re-queue it if lost)."""
    if status == Status.ACCEPTED:
        return send_at
    if status == Status.QUEUED:
        return now + timedelta(seconds=config.SWEEP_GRACE_SECONDS)
    return None


def _write(session, config, plans, request, category, version, api_key_id, source, now):
    """Build every row and write it with its first status (record_created); return the
    rows, each naming its contact's external id and its id as text."""
    shared = {"source": source, "api_key_id": api_key_id, "category": category.key,
              "template_version_id": version.id if version else None,
              "event_id": request.event_id, "attempts": 0}
    times = creation_times(now)
    # What most rows share is worked out once: content rendered once is one object
    # (hashed once), a status and send_at give one due time, and each status one row
    # that the others copy and fill in (a copy costs a third of building each anew).
    hashes: dict[int, str | None] = {}
    dues: dict[tuple, datetime | None] = {}
    blanks: dict[Status, dict] = {}
    rows = []
    ids, texts = new_uuids_and_texts(len(plans))
    for plan, id_ in zip(plans, ids, strict=True):
        send_at = plan.send_at or request.send_at
        status = plan.status
        if status == QUEUED and send_at and send_at > now:
            status = ACCEPTED
        content, device = plan.content, plan.device
        if (payload_hash := hashes.get(id(content), False)) is False:
            payload_hash = hashes[id(content)] = _hash(content)
        if (due_at := dues.get((status, send_at), False)) is False:
            due_at = dues[status, send_at] = _first_due(status, send_at, now, config)
        if (blank := blanks.get(status)) is None:
            blank = blanks[status] = _blank_row(shared, status, times[status])
        row = blank.copy()
        row["id"], row["contact_id"] = id_, plan.contact.id
        if device is not None:
            row["device_id"], row["provider"] = device.id, device.provider
        row["channel"], row["address"], row["content"] = plan.channel, plan.address, content
        row["payload_hash"], row["reason"] = payload_hash, plan.reason
        row["send_at"], row["due_at"] = send_at, due_at
        rows.append(row)
    record_created(session, rows, now, stamped=True)
    # Written, each row names its contact as the caller knows it (plain dicts: neither
    # ORM objects, 20% of the request, nor a record copied from each).
    for row, plan, text in zip(rows, plans, texts, strict=True):
        row["external_id"], row["id_text"] = plan.contact.external_id, text
    return rows


def _blank_row(shared: dict, status: Status, times: dict) -> dict:
    """A new row of the status with what every row of the send shares; every row has
    the same keys in the same order (one COPY or executemany takes them all)."""
    return {"id": None, **shared, "contact_id": None, "device_id": None, "channel": None,
            "address": None, "provider": None, "content": None, "payload_hash": None,
            "status": status, "reason": None, "send_at": None, "due_at": None, **times}


def _hash(content: dict | None) -> str | None:
    if content is None:
        return None
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
