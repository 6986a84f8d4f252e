"""Segments (a placeholder until this area is built; replace this module)."""

from flask import Blueprint

from app.console.placeholder import render_placeholder
from app.console.security import role_required

bp = Blueprint("segments", __name__, url_prefix="/segments")


@bp.route("/")
@role_required("viewer")
def index():
    return render_placeholder(
        "Segments",
        "Audiences defined by rules on attributes, tags and behaviour.",
        icon="filter",
        points=[
            "Combine rules with and/or.",
            "See how many contacts match before you send.",
        ],
    )
