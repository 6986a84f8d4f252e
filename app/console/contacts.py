"""Contacts: the searchable list, and one contact's page (devices, preferences,
suppressions, notification history). CSV import is its own area (imports.py)."""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.console.audit import current_actor, record_change
from app.console.dashboard import row_count
from app.console.forms import require_confirmation
from app.console.pagination import Page, cursor_args, keyset_page
from app.console.responses import fragment_or_redirect, or_404
from app.console.security import can, role_required
from app.core.access.audit import snapshot
from app.core.contacts import profile
from app.core.contacts.search import (
    PLATFORMS,
    ContactQuery,
    SearchInvalid,
    active_platforms,
    search,
)
from app.errors import ValidationFailed
from app.extensions import db, htmx
from app.models import Contact, Notification
from app.replica import read_session

bp = Blueprint("contacts", __name__, url_prefix="/contacts")

IMPORT_URL = "/contacts/import/new"  # the imports area; a plain path so it never breaks
HISTORY_PAGE_SIZE = 20


def _query() -> ContactQuery:
    args = request.args
    return ContactQuery(q=args.get("q", "").strip(), has=tuple(args.getlist("has")),
                        platform=args.get("platform", ""), tag=args.get("tag", "").strip(),
                        locale=args.get("locale", "").strip())


def _by_field(errors: list[dict]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.get("field") or "q", []).append(error["message"])
    return grouped


@bp.route("/")
@role_required("viewer")
def index():
    query, errors = _query(), {}
    try:
        reads = read_session()
        page = keyset_page(reads, search(reads, query), Contact.id, **cursor_args())
    except SearchInvalid as exc:
        page, errors = Page([]), _by_field(exc.errors)
    total, estimated = row_count(Contact)
    context = dict(page=page, query=query, errors=errors, platforms=PLATFORMS,
                   devices=active_platforms(db.session, [c.id for c in page.items]),
                   total=total, estimated=estimated, import_url=IMPORT_URL)
    template = "console/contacts/_results.html" if htmx and htmx.target == "contact-results" \
        else "console/contacts/index.html"
    return render_template(template, **context), 422 if errors else 200


def _history_cursor(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.args[name]) if request.args.get(name) else None
    except ValueError:
        abort(404)


@bp.route("/<int:contact_id>")
@role_required("viewer")
def show(contact_id: int):
    return _render_show(or_404(profile.get_contact_by_id, db.session, contact_id))


def _render_show(contact: Contact, pref_errors: list[str] | None = None, status: int = 200):
    # A page shown after a change reads the primary (a replica may not have it yet).
    reads = read_session() if request.method == "GET" else db.session
    history = keyset_page(reads, profile.history_query(contact.id), Notification.id,
                          before=_history_cursor("before"), after=_history_cursor("after"),
                          limit=HISTORY_PAGE_SIZE)
    return render_template(
        "console/contacts/show.html", contact=contact,
        devices=profile.devices_of(db.session, contact.id),
        matrix=profile.preference_matrix(db.session, contact.id), pref_errors=pref_errors or [],
        suppressions=profile.suppressions_of(db.session, contact),
        history=history,
        transitions=profile.transitions(reads, [n.id for n in history.items]),
        readonly=not can("editor")), status


def _posted_choices() -> dict[str, dict[str, bool]]:
    """Read the matrix: every shown cell is a `cell` value, the ticked ones `opted_in` too."""
    ticked = set(request.form.getlist("opted_in"))
    choices: dict[str, dict[str, bool]] = {}
    for cell in request.form.getlist("cell"):
        key, _, channel = cell.rpartition(":")
        choices.setdefault(key, {})[channel] = cell in ticked
    return choices


def _preferences_card(contact: Contact, errors: list[str] | None = None, status: int = 200):
    """The preferences card for htmx (with flash messages); without htmx, the whole page."""
    if not htmx:
        return _render_show(contact, errors, status) if errors \
            else redirect(url_for(".show", contact_id=contact.id))
    body = render_template("console/contacts/_preferences.html", contact=contact,
                           matrix=profile.preference_matrix(db.session, contact.id),
                           readonly=False, pref_errors=errors or [])
    return body + render_template("_partials/flash_oob.html"), status


def _messages(error: ValidationFailed) -> list[str]:
    # "/categories/orders/fax" -> "orders/fax: unknown channel"
    return [f"{e['field'].removeprefix('/categories/')}: {e['message']}" for e in error.errors] \
        or [error.detail]


@bp.route("/<int:contact_id>/preferences", methods=["POST"])
@role_required("editor")
def preferences(contact_id: int):
    contact = or_404(profile.get_contact_by_id, db.session, contact_id)
    require_confirmation()
    try:
        _, after = profile.change_preferences(db.session, contact.id, _posted_choices(),
                                                   actor=current_actor())
    except ValidationFailed as exc:
        db.session.rollback()
        return _preferences_card(contact, _messages(exc), 422)
    if after:
        db.session.commit()
        flash(f"Preferences saved: {len(after)} change{'s' if len(after) != 1 else ''}.",
              "success")
    else:
        flash("No changes to save.", "info")
    return _preferences_card(contact)


@bp.route("/<int:contact_id>/suppressions/<int:suppression_id>/lift", methods=["POST"])
@role_required("editor")
def lift_suppression(contact_id: int, suppression_id: int):
    contact = or_404(profile.get_contact_by_id, db.session, contact_id)
    require_confirmation()
    lifted = or_404(profile.lift_suppression, db.session, contact, suppression_id)
    before = snapshot(lifted, ("channel", "address", "reason", "detail", "created_at"))
    record_change("contact.lift_suppression", "contact", contact.id, before=before)
    db.session.commit()
    channel = "SMS" if before["channel"] == "sms" else before["channel"]
    flash(f"{before['address']} can receive {channel} again.", "success")
    return fragment_or_redirect(
        "console/contacts/_suppressions.html", url_for(".show", contact_id=contact.id),
        contact=contact, suppressions=profile.suppressions_of(db.session, contact),
        readonly=False)
