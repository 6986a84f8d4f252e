"""Campaigns: the list, a campaign's page and progress, and what operators do to it."""

from flask import Blueprint, render_template

from app.console.security import role_required

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.route("/")
@role_required("viewer")
def index():
    return render_template("console/campaigns/index.html")
