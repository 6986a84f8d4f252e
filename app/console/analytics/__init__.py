"""Console area: analytics. The overview of the last days (volume, providers, opt-outs,
transactional templates); args.py the query arguments every analytics page reads.
A campaign's own report lives with the campaigns (app/console/campaigns/report.py)."""
from flask import Blueprint, render_template

from app.console.analytics.args import include_machines, number_arg, operator_zone
from app.console.security import role_required
from app.core.analytics import charts
from app.core.analytics.overview import MAX_DAYS, overview
from app.models.contacts import CHANNELS
from app.models.types import utcnow
from app.replica import read_session

bp = Blueprint("analytics", __name__, url_prefix="/analytics")
DAY = "%Y-%m-%d"


@bp.route("/")
@role_required("viewer")
def index():
    machines = include_machines()
    found = overview(read_session(), operator_zone(), number_arg("days", 1, MAX_DAYS, 14),
                     utcnow(), humans_only=not machines)
    providers = [p.provider for p in found.providers]
    figures = {
        "volume": charts.time_chart(found.volume, CHANNELS, {}, "bar", DAY),
        "providers": charts.rate_chart(providers, {
            "Delivered": [p.rate("delivered") for p in found.providers],
            "Failed": [p.rate("failed") for p in found.providers]}),
        "opt_outs": charts.time_chart(found.opt_outs, found.opt_out_kinds, {
            "opted_out": "Recipient opt-outs"}, "bar", DAY),
    }
    return render_template("console/analytics/index.html", overview=found, figures=figures,
                           channels=CHANNELS, machines=machines)
