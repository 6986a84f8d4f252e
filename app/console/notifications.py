"""Notifications log (a placeholder until this area is built; replace this module)."""

from flask import Blueprint

from app.console.placeholder import render_placeholder
from app.console.security import role_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@role_required("viewer")
def index():
    return render_placeholder(
        "Notifications log",
        "Every message Herald accepted, with its status, provider and attempts.",
        icon="list",
        points=[
            "Filter by channel, status, contact or campaign.",
            "Follow one message from accepted to delivered.",
        ],
    )
