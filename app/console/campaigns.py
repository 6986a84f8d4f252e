"""Campaigns (a placeholder until this area is built; replace this module)."""

from flask import Blueprint

from app.console.placeholder import render_placeholder
from app.console.security import role_required

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.route("/")
@role_required("viewer")
def index():
    return render_placeholder(
        "Campaigns",
        "Send a template to a segment now, on a schedule, or in each recipient's time zone.",
        icon="send",
        points=[
            "Throttle sends and respect quiet hours.",
            "Compare A/B variants by opens, clicks and conversions.",
        ],
    )
