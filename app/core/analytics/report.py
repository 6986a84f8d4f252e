"""A campaign's report, one call: its funnel and breakdowns, A/B and holdout results,
opens and clicks per hour, top links, bounces and unsubscribes (of every run, or one)."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.core.analytics import engagement, experiment, funnel
from app.errors import ValidationFailed


@dataclass(frozen=True)
class ReportQuery:
    run_number: int | None = None  # None: every run
    humans_only: bool = True


@dataclass
class CampaignReport:
    campaign: object
    runs: list
    query: ReportQuery
    zone: ZoneInfo
    breakdown: funnel.Breakdown
    ab: list[experiment.VariantResult]
    holdout: experiment.HoldoutResult | None
    hourly: list[tuple[datetime, dict[str, int]]]
    links: list[engagement.LinkClicks]
    bounces: list[tuple[str, str, int]]
    unsubscribes: list[tuple[str, int]]

    @property
    def run_ids(self) -> list[int]:
        return [r.id for r in self.runs]


def chosen_runs(campaign, run_number: int | None) -> list:
    """The campaign's runs, or the one asked for (a field error if it has no such run)."""
    if run_number is None:
        return list(campaign.runs)
    runs = [r for r in campaign.runs if r.number == run_number]
    if not runs:
        raise ValidationFailed("no such run", [
            {"field": "run", "message": f"this campaign has no run {run_number}"}])
    return runs


def campaign_report(session, campaign, query: ReportQuery, zone: ZoneInfo,
                    window_hours: int, now: datetime) -> CampaignReport:
    runs = chosen_runs(campaign, query.run_number)
    ids = [r.id for r in runs]
    humans = query.humans_only
    broken = funnel.breakdown(session, ids, humans)
    since = min((r.started_at for r in runs), default=now)
    return CampaignReport(
        campaign=campaign, runs=runs, query=query, zone=zone, breakdown=broken,
        ab=experiment.ab_results(broken.by["variant"]),
        holdout=experiment.holdout_result(session, runs, window_hours, now, humans)
        if runs else None,
        hourly=engagement.hourly(session, ids, zone, humans) if ids else [],
        links=engagement.top_links(session, ids, humans) if ids else [],
        bounces=engagement.bounces(session, ids) if ids else [],
        unsubscribes=engagement.unsubscribes(session, ids, campaign.category, since)
        if ids else [])
