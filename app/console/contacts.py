"""Contacts (a placeholder until this area is built; replace this module)."""

from flask import Blueprint

from app.console.placeholder import render_placeholder
from app.console.security import role_required

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.route("/")
@role_required("viewer")
def index():
    return render_placeholder(
        "Contacts",
        "Everyone you can reach, with their devices, addresses and preferences.",
        icon="users",
        points=[
            "Import contacts or sync them through the API.",
            "See each contact’s devices, preferences and message history.",
        ],
    )
