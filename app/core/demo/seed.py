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
from app.core.demo import content, history
from app.core.demo.people import people
from app.core.ops.bootstrap import seed_categories
from app.core.segments import store as segments
from app.core.templates import store as templates
from app.models import Category, Contact, DemoRow, Device, Notification
from app.models.campaigns import RunStatus
from app.models.contacts import PLATFORM_PROVIDER
from app.models.types import utcnow

DAYS_AGO = 6  # the completed campaign went out this many days ago


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
    history.transactional(session, contact_ids, template_ids, now, rng)
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
    history.deliver(session, Notification.campaign_run_id == run.id, sent_at, now, rng, run)
    runs.finish_if_settled(session, run, now)
    stats.refresh(session, run, now, force=True)
    return campaign.id


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
