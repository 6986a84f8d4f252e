"""A campaign's report: funnel, breakdowns, A/B and holdout, opens and clicks per hour,
top links and the click map, bounces and unsubscribes; and its CSV."""
from flask import Response, abort, render_template, request

from app import herald_config
from app.console.analytics.args import include_machines, number_arg, operator_zone
from app.console.campaigns.views import bp
from app.console.responses import or_404
from app.console.security import role_required
from app.console.templates.preview import EMAIL_FRAME_CSP
from app.core.analytics import charts, clickmap, engagement
from app.core.analytics.export import report_csv as as_csv
from app.core.analytics.report import ReportQuery, campaign_report, chosen_runs
from app.core.campaigns.store import get_campaign
from app.errors import ValidationFailed
from app.models.types import utcnow
from app.replica import read_session

MAX_RUN = 1_000_000


def _asked():
    """The campaign and what the query asks of its report (a run, machines or not)."""
    campaign_id = request.view_args["campaign_id"]
    campaign = or_404(get_campaign, read_session(), campaign_id)
    query = ReportQuery(run_number=number_arg("run", 1, MAX_RUN),
                        humans_only=not include_machines())
    try:
        return campaign, query, chosen_runs(campaign, query.run_number)
    except ValidationFailed as exc:
        abort(404, f"Campaign {campaign_id}: {exc.errors[0]['message']}.")


def _report():
    campaign, query, _ = _asked()
    return campaign_report(read_session(), campaign, query, operator_zone(),
                           herald_config().ATTRIBUTION_WINDOW_HOURS, utcnow())


@bp.route("/<int:campaign_id>/report")
@role_required("viewer")
def report(campaign_id: int):
    found = _report()
    figures = {"funnel": charts.funnel_chart(found.breakdown.total)}
    if found.hourly:
        figures["hourly"] = charts.time_chart(found.hourly, ("opened", "clicked"),
                                              {"opened": "Opens", "clicked": "Clicks"})
    if found.ab:
        figures["variants"] = charts.variant_chart(found.ab)
    return render_template("console/campaigns/report.html", report=found, figures=figures)


@bp.route("/<int:campaign_id>/report.csv")
@role_required("viewer")
def report_csv(campaign_id: int):
    found = _report()
    name = f"campaign-{campaign_id}-report.csv"
    return Response(as_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<int:campaign_id>/report/clickmap/<int:position>")
@role_required("viewer")
def click_map(campaign_id: int, position: int):
    """A variant's email with its links' clicks drawn on, for a sandboxed frame."""
    campaign, query, runs = _asked()
    variant = next((v for v in campaign.variants if v.position == position), None)
    html = clickmap.email_html(variant.template_version) if variant else None
    if html is None:
        abort(404, "This variant has no email.")
    clicks = engagement.top_links(read_session(), [r.id for r in runs], query.humans_only,
                                  variant=position, limit=500)
    return clickmap.draw(html, clicks), 200, {
        "Content-Security-Policy": EMAIL_FRAME_CSP, "X-Frame-Options": "SAMEORIGIN",
        "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"}
