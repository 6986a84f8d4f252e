"""Answer a console action as an htmx fragment or, without htmx, a redirect."""

from flask import redirect, render_template

from app.extensions import htmx


def fragment_or_redirect(template: str, redirect_to: str, **context):
    """For htmx: render `template` plus pending flash messages (out of band) into #flash.

    Without htmx (no JavaScript), redirect so the flash shows on the full page.
    """
    if not htmx:
        return redirect(redirect_to)
    return render_template(template, **context) + render_template("_partials/flash_oob.html")
