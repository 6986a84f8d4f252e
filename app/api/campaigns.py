"""Campaigns: define, review, schedule and steer them, and read each run's numbers."""

from math import ceil

from app import herald_config, redis_client
from app.api.pagination import decode_cursor, next_link, paginate
from app.api.registry import current_actor, route
from app.api.schemas.campaigns import (
    CampaignCancelled,
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPath,
    CampaignQuery,
    CampaignStats,
    CampaignSummary,
    Review,
    RunList,
    RunOut,
    RunQuery,
    StatsOut,
    WinnerIn,
)
from app.core.campaigns import lifecycle, review, stats, store, timing
from app.extensions import db
from app.models.campaigns import CampaignStatus
from app.models.types import utcnow
from app.queues import enqueue_fan_out

TAG = "Campaigns"
ONE = "/campaigns/<int:campaign_id>"
RUN_FIELDS = ("number", "status", "phase", "scheduled_for", "started_at", "finished_at",
              "winner_reason", "failure")


def run_out(run) -> RunOut:
    return RunOut(**{name: getattr(run, name) for name in RUN_FIELDS},
                  winner="ABCD"[run.winner] if run.winner is not None else None,
                  stats=StatsOut.model_validate(run.stats or {}))


def campaign_out(campaign, model=CampaignOut, **extra) -> CampaignOut:
    """The campaign, its definition (the body PUT takes) and its last run."""
    runs = campaign.runs
    return model(**CampaignSummary.model_validate(campaign).model_dump(),
                 definition=store.to_spec(campaign),
                 last_run=run_out(runs[-1]) if runs else None, **extra)


def _done(campaign, run_ids=(), model=CampaignOut, **extra) -> CampaignOut:
    """Commit a command, queue the fan-outs it started, and answer with what was stored."""
    db.session.commit()
    if run_ids:
        enqueue_fan_out(redis_client(), run_ids)
    return campaign_out(campaign, model, **extra)


def _campaign(campaign_id: int):
    return store.get_campaign(db.session, campaign_id)


@route("/campaigns", "POST", body=CampaignIn, response=CampaignOut, status=201,
       scope="manage", tag=TAG, summary="Create a draft campaign",
       description="The category, segments and template versions it names must exist; "
                   "nothing is sent until it is scheduled.")
def create_campaign(body: CampaignIn):
    return _done(store.create_campaign(db.session, body, actor=current_actor())), 201


@route("/campaigns", query=CampaignQuery, response=CampaignPage, scope="manage", tag=TAG,
       summary="List campaigns", description="Newest first; archived ones only when asked.")
def list_campaigns(query: CampaignQuery):
    rows = store.list_campaigns(db.session, archived=query.archived, status=query.status,
                                before_id=decode_cursor("campaign", query.cursor, int),
                                limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "campaign", lambda c: c.id)
    data = [CampaignSummary.model_validate(c) for c in page]
    return CampaignPage(data=data, next_cursor=cursor), 200, next_link(cursor)


@route(ONE, path=CampaignPath, response=CampaignOut, scope="manage", tag=TAG,
       summary="Read a campaign, its status, next run and last run")
def get_campaign(campaign_id: int):
    return campaign_out(_campaign(campaign_id))


@route(ONE, "PUT", path=CampaignPath, body=CampaignIn, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Replace a campaign's definition",
       description="A draft or a scheduled campaign only (a scheduled one goes back to "
                   "draft, to be reviewed and scheduled again); 409 once it has started.")
def put_campaign(campaign_id: int, body: CampaignIn):
    campaign = store.update_campaign(db.session, _campaign(campaign_id), body,
                                     actor=current_actor())
    return _done(campaign)


@route(ONE, "DELETE", path=CampaignPath, response=None, status=204, scope="manage", tag=TAG,
       problems=(409,), summary="Delete a draft that never ran",
       description="A campaign that ran is archived instead (409).")
def delete_campaign(campaign_id: int):
    store.delete_campaign(db.session, _campaign(campaign_id), actor=current_actor())
    db.session.commit()


@route(ONE + "/schedule", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Schedule a draft",
       description="422 lists what is missing, field by field (audience, template, "
                   "schedule); a campaign scheduled `now` starts within a tick.")
def schedule_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    lifecycle.schedule(db.session, campaign, actor=current_actor(), now=utcnow(),
                       max_days=herald_config().MAX_SCHEDULE_DAYS)
    return _done(campaign)


@route(ONE + "/unschedule", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Take a scheduled campaign back to draft")
def unschedule_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    lifecycle.unschedule(db.session, campaign, actor=current_actor())
    return _done(campaign)


@route(ONE + "/pause", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Pause a sending campaign",
       description="No new batch goes out; the fan-out stops after its current chunk.")
def pause_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    lifecycle.pause(db.session, campaign, actor=current_actor())
    return _done(campaign)


@route(ONE + "/resume", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Resume a paused campaign")
def resume_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    return _done(campaign, lifecycle.resume(db.session, campaign, actor=current_actor()))


@route(ONE + "/cancel", "POST", path=CampaignPath, response=CampaignCancelled,
       scope="manage", tag=TAG, problems=(409,), summary="Cancel a campaign for good",
       description="Messages not yet sent end suppressed with the reason `cancelled`.")
def cancel_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    stopped = lifecycle.cancel(db.session, campaign, actor=current_actor(), now=utcnow())
    return _done(campaign, model=CampaignCancelled, stopped=stopped)


@route(ONE + "/winner", "POST", path=CampaignPath, body=WinnerIn, response=CampaignOut,
       scope="manage", tag=TAG, problems=(409,), summary="Pick the A/B test's winner",
       description="While the test waits for its winner (or to override the automatic "
                   "pick before it is made); the rest of the audience gets that variant.")
def pick_winner(campaign_id: int, body: WinnerIn):
    campaign = _campaign(campaign_id)
    run_ids = lifecycle.pick_winner(db.session, campaign, "ABCD".index(body.variant),
                                    actor=current_actor())
    return _done(campaign, run_ids)


@route(ONE + "/clone", "POST", path=CampaignPath, response=CampaignOut, status=201,
       scope="manage", tag=TAG, summary="Copy a campaign into a new draft")
def clone_campaign(campaign_id: int):
    copy = store.clone_campaign(db.session, _campaign(campaign_id), actor=current_actor())
    return _done(copy), 201


@route(ONE + "/archive", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, problems=(409,), summary="Archive a campaign",
       description="Hides it from the list; 409 for a scheduled or live one (cancel it "
                   "first).")
def archive_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    store.archive_campaign(db.session, campaign, actor=current_actor())
    return _done(campaign)


@route(ONE + "/unarchive", "POST", path=CampaignPath, response=CampaignOut, scope="manage",
       tag=TAG, summary="Bring an archived campaign back to the list")
def unarchive_campaign(campaign_id: int):
    campaign = _campaign(campaign_id)
    store.archive_campaign(db.session, campaign, actor=current_actor(), archived=False)
    return _done(campaign)


@route(ONE + "/review", path=CampaignPath, response=Review, scope="manage", tag=TAG,
       summary="Review who it would reach, how long it would take, what is missing",
       description="The audience per channel after suppressions, preferences, frequency "
                   "caps and holdout, counted now.")
def review_campaign(campaign_id: int):
    campaign, now = _campaign(campaign_id), utcnow()
    audience = review.audience_counts(db.session, campaign, now)
    duration = review.estimated_duration(campaign, audience["send"])
    errors, first = [], campaign.next_run_at
    if campaign.status == CampaignStatus.DRAFT:
        errors = lifecycle.readiness_errors(db.session, campaign, now,
                                            herald_config().MAX_SCHEDULE_DAYS)
        first = None if errors else timing.first_run(campaign, now)
    return Review(audience=audience, errors=errors, first_run_at=first,
                  estimated_seconds=ceil(duration.total_seconds()) if duration else None,
                  next_runs=review.next_runs(campaign, now, 5))


@route(ONE + "/stats", path=CampaignPath, response=CampaignStats, scope="manage", tag=TAG,
       summary="The live run's numbers (else the last run's), with progress and ETA",
       description="As counted by the scheduler every few seconds.")
def campaign_stats(campaign_id: int):
    campaign = _campaign(campaign_id)
    run = lifecycle.live_run(db.session, campaign) or \
        (campaign.runs[-1] if campaign.runs else None)
    if run is None:
        return CampaignStats(run=None, progress=None)
    return CampaignStats(run=run_out(run), progress=stats.progress(run, campaign, utcnow()))


@route(ONE + "/runs", path=CampaignPath, query=RunQuery, response=RunList, scope="manage",
       tag=TAG, summary="Every run of a campaign, newest first, with its numbers")
def campaign_runs(campaign_id: int, query: RunQuery):
    rows = store.list_runs(db.session, _campaign(campaign_id),
                           before=decode_cursor("run", query.cursor, int), limit=query.limit + 1)
    page, cursor = paginate(rows, query.limit, "run", lambda run: run.number)
    return RunList(data=[run_out(run) for run in page], next_cursor=cursor), 200, \
        next_link(cursor)
