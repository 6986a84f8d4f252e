"""The campaigns' periodic job (run by the scheduler every few seconds; safe to run twice
at once and on several nodes): start due runs, take up stalled fan-outs, end A/B tests,
release held rows, expire, complete, count.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.campaigns import lifecycle, release, runs, stats
from app.models.campaigns import Campaign, CampaignRun, CampaignStatus, RunStatus
from app.models.types import utcnow
from app.queues import enqueue_fan_out, enqueue_ids

log = logging.getLogger(__name__)
STALL_SECONDS = 30  # a fan-out silent this long lost its worker
ACTIVE = (RunStatus.FANNING_OUT, RunStatus.TESTING, RunStatus.SENDING)


def tick(session, redis, config, now: datetime | None = None) -> dict:
    now = now or utcnow()
    started = _start_due(session, now)
    session.commit()
    fan_outs = [run.id for run in started] + _stalled(session, now)
    totals = {"started": len(started), "released": 0, "completed": 0, "expired": 0}
    for run in session.scalars(select(CampaignRun).where(
            CampaignRun.status.in_(ACTIVE))).all():
        if run.expires_at is not None and run.expires_at <= now:
            totals["expired"] += lifecycle.end_unsent(session, run, "expired", now)
            runs.end_run(run, RunStatus.COMPLETED, now)
        elif runs.pick_if_due(session, run, now):
            fan_outs.append(run.id)
        queued = release.release(session, redis, config, run, now) \
            if run.status in ACTIVE else {}
        totals["released"] += sum(len(ids) for ids in queued.values())
        totals["completed"] += runs.finish_if_settled(session, run, now)
        stats.refresh(session, run, now, force=run.status not in ACTIVE)
        session.commit()
        enqueue_ids(redis, config, queued)
    enqueue_fan_out(redis, fan_outs)
    return totals


def _start_due(session, now: datetime) -> list[CampaignRun]:
    """Open a run for every scheduled campaign whose time has come (each once: the row is
    locked and its status moves on)."""
    due = session.scalars(select(Campaign).where(
        Campaign.status == CampaignStatus.SCHEDULED, Campaign.next_run_at <= now)
        .with_for_update(skip_locked=True)).all()
    return [runs.start_run(session, campaign, now) for campaign in due]


def _stalled(session, now: datetime) -> list[int]:
    """Fan-outs whose heartbeat stopped (the worker died): queue them again."""
    stalled = session.scalars(select(CampaignRun).where(
        CampaignRun.status == RunStatus.FANNING_OUT,
        CampaignRun.heartbeat_at < now - timedelta(seconds=STALL_SECONDS))
        .with_for_update(skip_locked=True)).all()
    for run in stalled:
        run.heartbeat_at = now
        log.warning("campaign run %d: fan-out stalled at contact %d, queued again",
                    run.id, run.cursor)
    session.commit()
    return [run.id for run in stalled]
