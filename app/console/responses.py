"""Answer a console action: a 404 for what is not there, an htmx fragment or a redirect."""

from collections.abc import Callable
from typing import TypeVar

from flask import abort, redirect, render_template

from app.errors import NotFound
from app.extensions import htmx

T = TypeVar("T")


def or_404(load: Callable[..., T | None], *args) -> T:
    """Return load(*args), or answer 404 when it finds nothing (None or NotFound).

    Example: or_404(db.session.get, Segment, segment_id)
    """
    try:
        found = load(*args)
    except NotFound:
        abort(404)
    if found is None:
        abort(404)
    return found


def fragment_or_redirect(template: str, redirect_to: str, **context):
    """For htmx: render `template` plus pending flash messages (out of band) into #flash.

    Without htmx (no JavaScript), redirect so the flash shows on the full page.
    """
    if not htmx:
        return redirect(redirect_to)
    return render_template(template, **context) + render_template("_partials/flash_oob.html")
