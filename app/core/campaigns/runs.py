"""A campaign run from start to end: fan-out phases, the A/B winner, completion.

start_run() opens a run and moves the campaign to `sending`; fan_out() writes its rows
(fanout.py) until the phase is done; a test phase then waits (`testing`) until the
winner is picked and the final phase fans out the rest; a run whose rows are all settled
is `completed`, and the campaign goes back to `scheduled` (recurring) or ends.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.core.campaigns import fanout, timing, winner
from app.core.ops import alerts
from app.models import Notification
from app.models.campaigns import Campaign, CampaignRun, CampaignStatus, RunStatus
from app.models.notifications import Status
from app.models.types import utcnow
from app.queues import enqueue_ids

log = logging.getLogger(__name__)
UNSETTLED = (Status.ACCEPTED, Status.QUEUED, Status.SENDING, Status.RETRYING)


def start_run(session, campaign: Campaign, now: datetime) -> CampaignRun:
    """Open the campaign's next run (the caller commits, then queues the fan-out)."""
    number = (session.scalar(select(func.max(CampaignRun.number))
                             .where(CampaignRun.campaign_id == campaign.id)) or 0) + 1
    scheduled_for = min(campaign.next_run_at or now, now)
    if campaign.schedule_kind == "recurring":
        campaign.next_run_at = timing.cron_runs(campaign.cron, campaign.timezone, now, 1)[0]
    else:
        campaign.next_run_at = None
    expires = [t for t in (campaign.expires_at, campaign.next_run_at) if t is not None]
    run = CampaignRun(
        campaign_id=campaign.id, number=number, status=RunStatus.FANNING_OUT.value,
        phase="test" if campaign.ab_mode == "test" else "all", cursor=0, targeted=0,
        scheduled_for=scheduled_for, started_at=now, heartbeat_at=now,
        expires_at=min(expires) if expires else None, stats={})
    campaign.status = CampaignStatus.SENDING.value
    campaign.runs.append(run)
    session.flush()
    return run


def lock(session, run_id: int) -> CampaignRun | None:
    """The run, locked until commit: two fan-out jobs of one run take turns."""
    return session.scalar(select(CampaignRun).where(CampaignRun.id == run_id)
                          .with_for_update().execution_options(populate_existing=True))


def fan_out(session, redis, config, run_id: int, now: datetime | None = None) -> dict:
    """Write a run's rows chunk by chunk until its phase is done, paused or cancelled;
    every chunk commits with the cursor, then its due rows are queued."""
    totals = {"chunks": 0, "rows": 0}
    times = None
    while True:
        run = lock(session, run_id)
        if run is None or run.status != RunStatus.FANNING_OUT:
            session.rollback()
            return totals
        if times is None:
            times = fanout.send_times(session, run.campaign, config, run.scheduled_for)
        try:
            written = fanout.write_chunk(session, config, run, times, now)
        except OperationalError:
            raise  # the database is away: the tick takes the fan-out up again later
        except Exception as exc:  # noqa: BLE001 - a run that cannot be written ends failed
            session.rollback()
            _fail(session, redis, config, run_id, exc)
            return totals
        if written is None:
            _phase_written(run, now or utcnow())
            session.commit()
            return totals
        run.targeted += written.contacts
        session.commit()  # the chunk, its cursor and its count together
        enqueue_ids(redis, config, written.queued)
        totals["chunks"] += 1
        totals["rows"] += written.rows


def _fail(session, redis, config, run_id: int, exc: Exception) -> None:
    log.exception("campaign run %d failed to fan out", run_id)
    run = lock(session, run_id)
    end_run(run, RunStatus.FAILED, utcnow(), failure=f"{type(exc).__name__}: {exc}"[:2000])
    session.commit()
    alerts.raise_alert(redis, config, "campaign_failed", {
        "campaign": run.campaign_id, "run": run.number, "error": run.failure})


def _phase_written(run: CampaignRun, now: datetime) -> None:
    if run.phase == "test":
        run.status = RunStatus.TESTING.value
        run.test_ends_at = now + timedelta(minutes=run.campaign.test_wait_minutes)
    else:
        run.status = RunStatus.SENDING.value


def start_final_phase(run: CampaignRun, position: int, reason: str) -> None:
    """Send the rest of the audience the chosen variant (the caller queues the fan-out)."""
    run.winner, run.winner_reason = position, reason
    run.phase, run.cursor = "final", 0
    run.status = RunStatus.FANNING_OUT.value


def pick_if_due(session, run: CampaignRun, now: datetime) -> bool:
    """Pick the winner of a test whose wait is over (not when the operator picks);
    return whether the final phase starts."""
    if run.status != RunStatus.TESTING or run.test_ends_at is None or run.test_ends_at > now:
        return False
    if run.campaign.winner_metric == "manual":
        return False
    position, reason = winner.choose(session, run)
    start_final_phase(run, position, reason)
    return True


def finish_if_settled(session, run: CampaignRun, now: datetime) -> bool:
    """Complete a sending run none of whose rows can still go out."""
    if run.status != RunStatus.SENDING:
        return False
    pending = session.scalar(select(Notification.id).where(
        Notification.campaign_run_id == run.id,
        Notification.status.in_([s.value for s in UNSETTLED])).limit(1))
    if pending is not None:
        return False
    end_run(run, RunStatus.COMPLETED, now)
    return True


def end_run(run: CampaignRun, status: RunStatus, now: datetime, failure: str | None = None):
    """Close a run; the campaign ends with it unless more runs are to come."""
    run.status, run.finished_at, run.failure = status.value, now, failure
    campaign = run.campaign
    if status == RunStatus.CANCELLED:
        campaign.status = CampaignStatus.CANCELLED.value
        campaign.next_run_at = None
    elif status == RunStatus.FAILED:
        campaign.status = CampaignStatus.FAILED.value
        campaign.next_run_at = None
    elif campaign.next_run_at is not None:
        campaign.status = CampaignStatus.SCHEDULED.value
    else:
        campaign.status = CampaignStatus.COMPLETED.value
