"""What operators do to a campaign once it is defined: schedule it (after review),
unschedule, pause, resume, cancel, and pick the A/B winner.

Each command checks the status allows it, audits it as the actor's, and returns the run
ids whose fan-out the caller must queue after committing (app.queues.enqueue_fan_out).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.core.access import audit
from app.core.campaigns import runs, timing
from app.core.campaigns.spec import SCHEDULE_NEEDS
from app.core.campaigns.store import snapshot
from app.core.delivery.dispatch import SEND_AT_GRACE
from app.core.delivery.transitions import move
from app.errors import Conflict, ValidationFailed
from app.models import Notification, Segment
from app.models.campaigns import LIVE_RUN, Campaign, CampaignRun, CampaignStatus, RunStatus
from app.models.notifications import Status

S = CampaignStatus
UNSENT = (Status.ACCEPTED, Status.QUEUED, Status.RETRYING)
LATEST_OFFSET = timedelta(hours=12)  # the zone furthest behind UTC (Etc/GMT+12)


def readiness_errors(session, campaign: Campaign, now: datetime, max_days: int) -> list[dict]:
    """What stops a campaign from being scheduled, field by field."""
    errors = []
    if campaign.segment_id is None or session.get(Segment, campaign.segment_id) is None:
        errors.append({"field": "/segment_id", "message": "choose the audience segment"})
    if not campaign.variants:
        errors.append({"field": "/variants", "message": "choose the template to send"})
    first = timing.first_run(campaign, now) if not _schedule_missing(campaign) else None
    horizon = now + timedelta(days=max_days)
    kind = campaign.schedule_kind
    if kind == "at" and campaign.send_at and not now - SEND_AT_GRACE <= campaign.send_at <= horizon:
        errors.append({"field": "/schedule/send_at",
                       "message": f"must be from now to {max_days} days ahead"})
    if kind == "local" and not _schedule_missing(campaign):
        latest = datetime.combine(date.fromisoformat(campaign.local_date),
                                  time.fromisoformat(campaign.local_time),
                                  tzinfo=timing.zone("UTC")) + LATEST_OFFSET
        if latest <= now or first > horizon:
            errors.append({"field": "/schedule/local_date",
                           "message": "that local time has passed everywhere, or is too far"})
    if _schedule_missing(campaign):
        errors.append({"field": "/schedule", "message": "the schedule is incomplete"})
    if campaign.expires_at is not None and first is not None and campaign.expires_at <= first:
        errors.append({"field": "/expires_at", "message": "must be after the first send"})
    return errors


def _schedule_missing(campaign: Campaign) -> bool:
    return any(getattr(campaign, name) is None
               for name in SCHEDULE_NEEDS.get(campaign.schedule_kind, ()))


def schedule(session, campaign: Campaign, *, actor, now: datetime, max_days: int = 365):
    """Draft → scheduled, with its first run time; ValidationFailed says what is missing."""
    _require(campaign, (S.DRAFT,), "scheduled")
    errors = readiness_errors(session, campaign, now, max_days)
    if errors:
        raise ValidationFailed("The campaign is not ready to schedule", errors)
    before = snapshot(campaign)
    campaign.status = S.SCHEDULED.value
    campaign.next_run_at = timing.first_run(campaign, now)
    audit.record(session, actor, "campaign.schedule", "campaign", campaign.id, before,
                 snapshot(campaign))


def unschedule(session, campaign: Campaign, *, actor) -> None:
    """Scheduled → draft (nothing was written yet)."""
    _require(campaign, (S.SCHEDULED,), "unscheduled")
    before = snapshot(campaign)
    campaign.status, campaign.next_run_at = S.DRAFT.value, None
    audit.record(session, actor, "campaign.unschedule", "campaign", campaign.id, before,
                 snapshot(campaign))


def live_run(session, campaign: Campaign) -> CampaignRun | None:
    return session.scalar(select(CampaignRun).where(
        CampaignRun.campaign_id == campaign.id,
        CampaignRun.status.in_(LIVE_RUN))
        .order_by(CampaignRun.number.desc()).limit(1))


def pause(session, campaign: Campaign, *, actor) -> None:
    """Sending → paused: no new batch is released or claimed; fan-out stops after its chunk."""
    _require(campaign, (S.SENDING,), "paused")
    before = snapshot(campaign)
    run = live_run(session, campaign)
    if run is not None and run.status != RunStatus.PAUSED:
        run.paused_from, run.status = run.status, RunStatus.PAUSED.value
    campaign.status = S.PAUSED.value
    audit.record(session, actor, "campaign.pause", "campaign", campaign.id, before,
                 snapshot(campaign))


def resume(session, campaign: Campaign, *, actor) -> list[int]:
    """Paused → sending; returns the run to fan out again if it was fanning out."""
    _require(campaign, (S.PAUSED,), "resumed")
    before = snapshot(campaign)
    run = live_run(session, campaign)
    campaign.status = S.SENDING.value
    audit.record(session, actor, "campaign.resume", "campaign", campaign.id, before,
                 snapshot(campaign))
    if run is None or run.status != RunStatus.PAUSED:
        return []
    run.status, run.paused_from = run.paused_from or RunStatus.SENDING.value, None
    return [run.id] if run.status == RunStatus.FANNING_OUT else []


def cancel(session, campaign: Campaign, *, actor, now: datetime) -> int:
    """Stop for good: unsent rows end suppressed ("cancelled"); returns how many."""
    _require(campaign, (S.SCHEDULED, S.SENDING, S.PAUSED), "cancelled")
    before = snapshot(campaign)
    run = live_run(session, campaign)
    stopped = 0
    if run is not None:
        stopped = end_unsent(session, run, "cancelled", now)
        runs.end_run(run, RunStatus.CANCELLED, now)
    campaign.status, campaign.next_run_at = S.CANCELLED.value, None
    audit.record(session, actor, "campaign.cancel", "campaign", campaign.id, before,
                 {**snapshot(campaign), "unsent": stopped})
    return stopped


def end_unsent(session, run: CampaignRun, reason: str, now: datetime) -> int:
    """Suppress every row of the run not yet handed to a provider, with the reason."""
    unsent = select(Notification.id).where(
        Notification.campaign_run_id == run.id,
        Notification.status.in_([s.value for s in UNSENT]))
    return len(move(session, unsent, Status.SUPPRESSED, now=now, detail=reason,
                    reason=reason, due_at=None))


def pick_winner(session, campaign: Campaign, position: int, *, actor) -> list[int]:
    """The operator picks (or overrides) the test's winner; the rest get it next."""
    run = live_run(session, campaign)
    if run is None or (run.status if run.status != RunStatus.PAUSED else run.paused_from) \
            != RunStatus.TESTING:
        raise Conflict("A winner can be picked only while the A/B test waits for one")
    if not 0 <= position < len(campaign.variants):
        raise ValidationFailed("No such variant", [{"field": "/variant",
                                                    "message": "no such variant"}])
    runs.start_final_phase(run, position, f"picked by {audit.Actor.of(actor).name}")
    if campaign.status == S.PAUSED:
        run.paused_from, run.status = run.status, RunStatus.PAUSED.value
    audit.record(session, actor, "campaign.pick_winner", "campaign", campaign.id, None,
                 {"run": run.number, "winner": "ABCD"[position]})
    return [run.id] if run.status == RunStatus.FANNING_OUT else []


def _require(campaign: Campaign, allowed, verb: str) -> None:
    if campaign.status not in allowed:
        raise Conflict(f"A {campaign.status} campaign cannot be {verb}")
