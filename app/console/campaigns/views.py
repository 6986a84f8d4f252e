"""Campaigns: the list, a campaign's page with its runs, and a run's live progress.

The list is three queries however many campaigns there are (a page of them, their last
runs, their segments' names). Progress reads the run's stored count, which the tick
refreshes every few seconds, never the notification rows: it answers at once on a run
of a million.
"""

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import and_, func, select

from app.console.campaigns import describe
from app.console.pagination import cursor_args, keyset_page
from app.console.responses import or_404
from app.console.security import role_required
from app.core.campaigns import lifecycle, stats, store, winner
from app.extensions import db, htmx
from app.models import Segment
from app.models.campaigns import LIVE_RUN, Campaign, CampaignRun, CampaignStatus, RunStatus
from app.models.types import utcnow

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
STATUSES = [s.value for s in CampaignStatus]
LIVE = frozenset(s.value for s in LIVE_RUN)
RUNS_SHOWN = 25


@bp.context_processor
def _helpers() -> dict:
    return {"editor_url": editor_url, "describe": describe, "headline": headline}


def editor_url(view: str, campaign_id: int | None = None) -> str:
    """The editor's pages: new, edit (from its first step), review."""
    args = {"campaign_id": campaign_id} if campaign_id is not None else {}
    if view == "edit":
        args["step"] = "content"
    return url_for(f"console.campaigns.{view}", **args)


def headline(run: CampaignRun | None) -> dict | None:
    """The list's numbers for a run: handed to providers, delivered, failed, suppressed."""
    total = (run.stats or {}).get("total") if run is not None else None
    if not total:
        return None
    return {"sent": total["sent"] + total["delivered"], "delivered": total["delivered"],
            "failed": total["failed"], "suppressed": total["suppressed"]}


def last_runs(campaign_ids: list[int]) -> dict[int, CampaignRun]:
    """Each campaign's latest run, in one query."""
    if not campaign_ids:
        return {}
    latest = (select(CampaignRun.campaign_id, func.max(CampaignRun.number).label("number"))
              .where(CampaignRun.campaign_id.in_(campaign_ids))
              .group_by(CampaignRun.campaign_id).subquery())
    rows = db.session.scalars(select(CampaignRun).join(latest, and_(
        CampaignRun.campaign_id == latest.c.campaign_id, CampaignRun.number == latest.c.number)))
    return {run.campaign_id: run for run in rows}


def segment_names(segment_ids) -> dict[int, str]:
    ids = {i for i in segment_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Segment.id, Segment.name)
                                   .where(Segment.id.in_(ids))).all())


@bp.route("/")
@role_required("viewer")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    archived = request.args.get("archived") == "1"
    query = select(Campaign).where(Campaign.archived_at.is_not(None) if archived
                                   else Campaign.archived_at.is_(None))
    if status:
        query = query.where(Campaign.status == status)
    page = keyset_page(db.session, query, Campaign.id, **cursor_args())
    campaigns = page.items
    return render_template(
        "console/campaigns/index.html", page=page, status=status, archived=archived,
        statuses=STATUSES, runs=last_runs([c.id for c in campaigns]),
        segments=segment_names(c.segment_id for c in campaigns))


def _runs(campaign: Campaign) -> list[CampaignRun]:
    return list(db.session.scalars(select(CampaignRun).where(
        CampaignRun.campaign_id == campaign.id).order_by(CampaignRun.number.desc())
        .limit(RUNS_SHOWN)))


def _waits_for_winner(run: CampaignRun | None) -> bool:
    return run is not None and RunStatus.TESTING in (run.status, run.paused_from)


def _page(campaign: Campaign, run: CampaignRun | None, live: CampaignRun | None):
    runs = _runs(campaign)
    run = run or live or next(iter(runs), None)
    test = winner.rates(db.session, live) if _waits_for_winner(live) else None
    segments = segment_names([campaign.segment_id, campaign.exclusion_segment_id])
    return render_template(
        "console/campaigns/show.html", campaign=campaign, run=run, runs=runs, live=live,
        test=test, segments=segments, actions=describe.actions(campaign, live),
        **progress_context(campaign, run))


@bp.route("/<int:campaign_id>")
@role_required("viewer")
def show(campaign_id: int):
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    return _page(campaign, None, lifecycle.live_run(db.session, campaign))


def _run(campaign_id: int, number: int) -> CampaignRun:
    run = db.session.scalar(select(CampaignRun).where(
        CampaignRun.campaign_id == campaign_id, CampaignRun.number == number))
    if run is None:
        abort(404)
    return run


@bp.route("/<int:campaign_id>/runs/<int:number>")
@role_required("viewer")
def run_page(campaign_id: int, number: int):
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    return _page(campaign, _run(campaign_id, number), lifecycle.live_run(db.session, campaign))


def progress_context(campaign: Campaign, run: CampaignRun | None) -> dict:
    if run is None:
        return {"progress": None, "numbers": {}, "polling": False}
    now = utcnow()
    return {"progress": stats.progress(run, campaign, now), "numbers": run.stats or {},
            "polling": run.status in LIVE, "now": now}


@bp.route("/<int:campaign_id>/runs/<int:number>/progress")
@role_required("viewer")
def progress(campaign_id: int, number: int):
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    run = _run(campaign_id, number)
    context = progress_context(campaign, run)
    headers = {}
    if htmx and not context["polling"]:
        headers["HX-Refresh"] = "true"  # the run ended: the page's buttons change too
    return render_template("console/campaigns/_progress.html", campaign=campaign, run=run,
                           **context), 200, headers
