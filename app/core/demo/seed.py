"""Seed the demo workspace through the same core functions operators' actions use.

Contacts, templates, segments and campaigns go in as the console and the API would put
them; the completed campaign's history (its fan-out, the moves to delivered and the
engagement that followed) is written in bulk, backdated over the last days, so every
report has something to show. Each top-level row is marked in `demo_rows`.
"""
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from app.core.access.audit import SYSTEM
from app.core.campaigns import fanout, lifecycle, runs, spec, stats
from app.core.campaigns import store as campaigns
from app.core.contacts.store import upsert_contacts
from app.core.delivery.transitions import move, record_created
from app.core.demo import content
from app.core.demo.people import people
from app.core.ops.bootstrap import seed_categories
from app.core.segments import store as segments
from app.core.templates import store as templates
from app.models import Category, Contact, DemoRow, Device, Event, Notification, Template
from app.models.campaigns import RunStatus
from app.models.contacts import PLATFORM_PROVIDER
from app.models.notifications import Status
from app.models.types import new_uuid, utcnow

DAYS_AGO = 6  # the completed campaign went out this many days ago
PROVIDERS = {"email": "sendgrid", "sms": "twilio", "push": "fcm"}


def is_seeded(session) -> bool:
    return session.scalar(select(DemoRow.id).limit(1)) is not None


def seed(session, config, *, now: datetime | None = None,
         web_subscription: Callable[[str], dict] | None = None) -> dict | None:
    """Seed the demo workspace (the caller commits); None when it is already there.

    `web_subscription(name)` gives a browser's PushSubscription for the web devices (the
    sandbox's); without it contacts get no web devices.
    """
    if is_seeded(session):
        return None
    now = now or utcnow()
    rng = random.Random(18)
    had = set(session.scalars(select(Category.id)))
    seed_categories(session)  # what a new install has; made here, they are the demo's
    _mark(session, "categories", set(session.scalars(select(Category.id))) - had)
    contact_ids = _contacts(session, now, web_subscription)
    template_ids = _templates(session)
    segment_ids = {name: segments.create_segment(session, name, rules, description).id
                   for name, (description, rules) in content.SEGMENTS.items()}
    done = _completed_campaign(session, config, segment_ids["Demo: Everyone"], now, rng)
    _transactional(session, contact_ids, template_ids, now, rng)
    later = _scheduled_campaign(session, segment_ids["Demo: Newsletter readers"], now)
    _mark(session, "contacts", contact_ids)
    _mark(session, "templates", template_ids.values())
    _mark(session, "segments", segment_ids.values())
    _mark(session, "campaigns", [done, later])
    session.flush()
    return {"contacts": len(contact_ids), "templates": len(template_ids),
            "segments": len(segment_ids), "campaigns": 2}


def _mark(session, table: str, ids) -> None:
    if not ids:
        return
    session.execute(insert(DemoRow), [{"table_name": table, "row_id": i} for i in ids])


def _contacts(session, now: datetime, web_subscription) -> list[int]:
    rows = people()
    upsert_contacts(session, [{k: v for k, v in r.items() if k != "devices"} for r in rows],
                    actor=SYSTEM, now=now)
    ids = dict(session.execute(select(Contact.external_id, Contact.id).where(
        Contact.external_id.in_([r["external_id"] for r in rows]))).all())
    devices = []
    for row in rows:
        for platform, token in row["devices"]:
            subscription = None
            if platform == "web":
                if web_subscription is None:
                    continue
                subscription = web_subscription(token)
                token = subscription["endpoint"]
            devices.append({"contact_id": ids[row["external_id"]], "platform": platform,
                            "provider": PLATFORM_PROVIDER[platform], "token": token,
                            "subscription": subscription, "active": True,
                            "created_at": now, "last_seen_at": now})
    if devices:
        session.execute(insert(Device), devices)
    return list(ids.values())


def _templates(session) -> dict[str, int]:
    """Each template published version by version (the promotion has two)."""
    ids = {}
    for key, (name, category, description, versions) in content.TEMPLATES.items():
        template = templates.create_template(session, key, name, category,
                                             description=description, content=versions[0],
                                             author="demo@example.com")
        for body in versions:
            draft, _ = templates.save_draft(session, template, body, "en", "demo@example.com")
            templates.publish(session, template, draft)
        ids[key] = template.id
    return ids


def _completed_campaign(session, config, segment_id: int, now: datetime, rng) -> int:
    """The spring promotion, A against B, sent days ago and engaged with since."""
    sent_at = now - timedelta(days=DAYS_AGO)
    campaign = campaigns.create_campaign(session, spec.parse({
        "name": "Demo: Spring sale", "category": "marketing", "segment_id": segment_id,
        "channels": ["email", "push", "sms"], "channel_mode": "fallback",
        "variants": [{"template": "spring-promotion", "version": 1, "share": 50},
                     {"template": "spring-promotion", "version": 2, "share": 50}],
    }), actor=SYSTEM)
    lifecycle.schedule(session, campaign, actor=SYSTEM, now=sent_at)
    run = runs.start_run(session, campaign, sent_at)
    times = fanout.send_times(session, campaign, config, run.scheduled_for)
    while (written := fanout.write_chunk(session, config, run, times, sent_at)) is not None:
        run.targeted += written.contacts
    run.status = RunStatus.SENDING.value
    _deliver(session, select(Notification.id, Notification.channel, Notification.contact_id,
                             Notification.variant)
             .where(Notification.campaign_run_id == run.id), sent_at, now, rng, run)
    runs.finish_if_settled(session, run, now)
    stats.refresh(session, run, now, force=True)
    return campaign.id


def _deliver(session, pending, sent_at: datetime, now: datetime, rng, run=None) -> None:
    """Move the rows through queued, sending and sent to delivered (a few fail), then
    write the opens, clicks and conversions that followed over the next days."""
    rows = session.execute(pending.where(Notification.status.in_(
        (Status.ACCEPTED.value, Status.QUEUED.value)))).all()
    ids = [r.id for r in rows]
    move(session, ids, Status.QUEUED, now=sent_at)
    move(session, ids, Status.SENDING, now=sent_at, attempts=1)
    for channel, provider in PROVIDERS.items():
        move(session, [r.id for r in rows if r.channel == channel], Status.SENT,
             now=sent_at + timedelta(seconds=2), provider=provider)
    endings, events = [], []
    for row in rows:
        at = sent_at + timedelta(seconds=rng.randint(3, 90))
        if rng.random() < 0.03:
            endings.append({"id": row.id, "status": Status.FAILED, "at": at,
                            "error_code": "bounce", "detail": "550 5.1.1 User unknown"})
            continue
        endings.append({"id": row.id, "status": Status.DELIVERED, "at": at})
        events += _engagement(row, at, now, rng, run)
    move(session, endings, now=sent_at)
    if events:
        session.execute(insert(Event), events)


def _engagement(row, delivered_at: datetime, now: datetime, rng, run) -> list[dict]:
    """Opened (more for variant B), clicked, converted: each a while after the last."""
    found, at = [], delivered_at
    odds = {"opened": 0.42 + 0.08 * (row.variant or 0), "clicked": 0.4, "converted": 0.3}
    for kind, chance in odds.items():
        if rng.random() >= chance:
            break
        at = at + timedelta(minutes=rng.expovariate(1 / 600))
        if at >= now:
            break
        found.append({
            "notification_id": row.id, "contact_id": row.contact_id, "kind": kind,
            "campaign_run_id": run.id if run else None, "variant": row.variant,
            "channel": row.channel, "provider": PROVIDERS[row.channel], "machine": False,
            "url": "https://acme.example.com/spring" if kind == "clicked" else None,
            "value": round(rng.uniform(15, 180), 2) if kind == "converted" else None,
            "currency": "USD" if kind == "converted" else None, "at": at})
    return found


def _transactional(session, contact_ids: list[int], template_ids: dict, now: datetime,
                   rng) -> None:
    """A week of order and password messages sent through the API, delivered."""
    published = dict(session.execute(select(Template.id, Template.published_version_id)
                                      .where(Template.id.in_(template_ids.values()))).all())
    kinds = [("order-shipped", "transactional", "email"), ("order-shipped", "transactional",
             "push"), ("password-reset", "security", "sms"), ("weekly-digest", "product",
             "email")]
    for day in range(7, 0, -1):
        created = now - timedelta(days=day, hours=rng.randint(0, 12))
        rows = []
        for _ in range(rng.randint(60, 140)):
            key, category, channel = rng.choice(kinds)
            rows.append({"id": new_uuid(), "source": "api", "contact_id": rng.choice(contact_ids),
                         "channel": channel, "category": category, "status": Status.QUEUED,
                         "template_version_id": published[template_ids[key]],
                         "address": None, "attempts": 0, "provider": None, "reason": None})
        record_created(session, rows, created)
        ids = [r["id"] for r in rows]
        _deliver(session, select(Notification.id, Notification.channel,
                                 Notification.contact_id, Notification.variant)
                 .where(Notification.id.in_(ids)), created, now, rng)


def _scheduled_campaign(session, segment_id: int, now: datetime) -> int:
    """Next Monday's digest, scheduled and waiting."""
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=9, minute=0, second=0,
                                                               microsecond=0)
    campaign = campaigns.create_campaign(session, spec.parse({
        "name": "Demo: Weekly digest", "category": "product", "segment_id": segment_id,
        "channels": ["email", "push"], "variants": [{"template": "weekly-digest"}],
        "schedule": {"kind": "at", "send_at": monday.isoformat()},
    }), actor=SYSTEM)
    lifecycle.schedule(session, campaign, actor=SYSTEM, now=now)
    return campaign.id
