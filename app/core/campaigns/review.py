"""The review before scheduling: who the campaign would reach per channel, after
suppressions, preferences, frequency caps and holdout — the fan-out's own SELECT, counted
in SQL — and how long it would take at its throttle."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.campaigns import audience, timing
from app.models import Category
from app.models.types import utcnow


def audience_counts(session, campaign, now: datetime | None = None) -> dict:
    """{"channels": {channel: {"send": n, reason: n, …}}, "contacts": n, "send": n}."""
    now = now or utcnow()
    category = session.scalar(select(Category).where(Category.key == campaign.category))
    if category is None or not campaign.variants:
        return {"channels": {}, "contacts": 0, "send": 0, "reasons": {}}
    scope = audience.Scope(phase="all")
    found = audience.counts(session, campaign, category, scope, now)
    channels: dict[str, dict] = {}
    reasons: dict[str, int] = {}
    for channel, reason, rows in found:
        key = reason or "send"
        channels.setdefault(channel, {"send": 0})[key] = rows
        if reason:
            reasons[reason] = reasons.get(reason, 0) + rows
    send = sum(c["send"] for c in channels.values())
    contacts = audience.contact_count(session, campaign, scope, now)
    return {"channels": channels, "contacts": contacts, "send": send, "reasons": reasons}


def estimated_duration(campaign, messages: int) -> timedelta | None:
    """How long the sends take at the throttle (None: as fast as the workers go)."""
    if not campaign.throttle_per_minute or not messages:
        return None
    return timedelta(minutes=messages / campaign.throttle_per_minute)


def next_runs(campaign, now: datetime | None = None, count: int = 5) -> list[datetime]:
    """The next runs of a recurring campaign (UTC), for the schedule preview."""
    if campaign.schedule_kind != "recurring" or not campaign.cron:
        return []
    return timing.cron_runs(campaign.cron, campaign.timezone, now or utcnow(), count)
