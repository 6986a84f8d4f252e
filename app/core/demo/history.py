"""The demo's past: sends moved through their statuses, backdated, and what recipients
did afterwards (opens, clicks, conversions, unsubscribes, bounces), written in bulk."""
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from app.core.db import dialect_insert
from app.core.delivery.transitions import move, record_created
from app.models import Category, Event, Notification, Preference, Suppression, Template
from app.models.notifications import Status
from app.models.types import new_uuid

PROVIDERS = {"email": "sendgrid", "sms": "twilio", "push": "fcm"}
# How each channel's failures read: (error code, provider's words, suppresses the address)
FAILURES = {"email": ("bounce", "550 5.1.1 The email account does not exist", True),
            "sms": ("30006", "Landline or unreachable carrier", True),
            "push": ("UNREGISTERED", "Requested entity was not found.", False)}
FAILURE_RATE, UNSUBSCRIBE_RATE = 0.03, 0.015
# Of those who did the previous step: opened (variant B's subject does better), clicked,
# converted.
FUNNEL = {"opened": 0.42, "clicked": 0.4, "converted": 0.3}
TRANSACTIONAL = [("order-shipped", "transactional", "email"),
                 ("order-shipped", "transactional", "push"),
                 ("password-reset", "security", "sms"),
                 ("password-reset", "security", "email"),
                 ("weekly-digest", "product", "email")]


def deliver(session, which, sent_at: datetime, now: datetime, rng, run=None) -> None:
    """Move the rows `which` selects through queued, sending and sent to delivered (a few
    fail), then write what their recipients did over the following days."""
    rows = session.execute(select(Notification.id, Notification.channel,
                                  Notification.contact_id, Notification.variant,
                                  Notification.address).where(which, Notification.status.in_(
                                      (Status.ACCEPTED.value, Status.QUEUED.value)))).all()
    ids = [r.id for r in rows]
    move(session, ids, Status.QUEUED, now=sent_at)
    move(session, ids, Status.SENDING, now=sent_at, attempts=1)
    for channel, provider in PROVIDERS.items():
        move(session, [r.id for r in rows if r.channel == channel], Status.SENT,
             now=sent_at + timedelta(seconds=2), provider=provider)
    endings, events, suppressions, opt_outs = [], [], [], []
    for row in rows:
        at = sent_at + timedelta(seconds=rng.randint(3, 90))
        if rng.random() < FAILURE_RATE:
            code, words, suppress = FAILURES[row.channel]
            endings.append({"id": row.id, "status": Status.FAILED, "at": at,
                            "error_code": code, "detail": words})
            if suppress and row.address:
                suppressions.append({"channel": row.channel, "address": row.address,
                                     "reason": "hard_bounce", "detail": words,
                                     "created_at": at})
            continue
        endings.append({"id": row.id, "status": Status.DELIVERED, "at": at})
        found = _engagement(row, at, now, rng, run)
        if run is not None and row.channel == "email" and rng.random() < UNSUBSCRIBE_RATE:
            left = at + timedelta(hours=rng.uniform(1, 60))
            if left < now:
                found.append(_event(row, "unsubscribed", left, run))
                opt_outs.append((row.contact_id, left))
        events += found
    move(session, endings, now=sent_at)
    _write(session, events, suppressions, opt_outs)


def _write(session, events: list, suppressions: list, opt_outs: list) -> None:
    if events:
        session.execute(insert(Event), events)
    if suppressions:
        session.execute(dialect_insert(session, Suppression).on_conflict_do_nothing(),
                        suppressions)
    marketing = session.scalar(select(Category.id).where(Category.key == "marketing"))
    if opt_outs and marketing is not None:
        session.execute(dialect_insert(session, Preference).on_conflict_do_nothing(), [
            {"contact_id": contact, "category_id": marketing, "channel": "email",
             "opted_in": False, "source": "recipient", "updated_at": at}
            for contact, at in opt_outs])


def _event(row, kind: str, at: datetime, run, **extra) -> dict:
    return {"notification_id": row.id, "contact_id": row.contact_id, "kind": kind,
            "campaign_run_id": run.id if run else None, "variant": row.variant,
            "channel": row.channel, "provider": PROVIDERS[row.channel], "machine": False,
            "url": None, "value": None, "currency": None, "at": at, **extra}


def _engagement(row, delivered_at: datetime, now: datetime, rng, run) -> list[dict]:
    """Opened, clicked, converted: each a while after the step before, until one is not."""
    found, at = [], delivered_at
    for kind, chance in FUNNEL.items():
        if kind == "opened":
            chance += 0.08 * (row.variant or 0)
        if rng.random() >= chance:
            break
        at = at + timedelta(minutes=rng.expovariate(1 / 600))
        if at >= now:
            break
        extra = {"url": "https://acme.example.com/spring"} if kind == "clicked" else {}
        if kind == "converted":
            extra = {"value": round(rng.uniform(15, 180), 2), "currency": "USD"}
        found.append(_event(row, kind, at, run, **extra))
    return found


def transactional(session, contact_ids: list[int], template_ids: dict, now: datetime,
                  rng) -> None:
    """Two weeks of order, password and digest messages sent through the API."""
    published = dict(session.execute(select(Template.id, Template.published_version_id)
                                      .where(Template.id.in_(template_ids.values()))).all())
    for day in range(13, -1, -1):
        created = now - timedelta(days=day, hours=rng.uniform(0.5, 12))
        rows = []
        for _ in range(rng.randint(120, 320)):
            key, category, channel = rng.choice(TRANSACTIONAL)
            rows.append({"id": new_uuid(), "source": "api", "contact_id": rng.choice(contact_ids),
                         "channel": channel, "category": category, "status": Status.QUEUED,
                         "template_version_id": published[template_ids[key]],
                         "address": None, "attempts": 0, "provider": None, "reason": None})
        record_created(session, rows, created)
        deliver(session, Notification.id.in_([r["id"] for r in rows]), created, now, rng)
