"""A friendly "coming soon" page for console areas that are not built yet."""

from flask import render_template


def render_placeholder(title: str, lead: str, icon: str, points: list[str]):
    """Render the placeholder page for an area (each area module replaces its own)."""
    return render_template("console/placeholder.html", title=title, lead=lead, icon=icon,
                           points=points)
