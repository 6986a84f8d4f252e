"""Recipients' own pages, no sign-in, in the contact's language: the preferences page
(/p/<token>, CSRF-protected forms) and one-click unsubscribe (/u/<token>: RFC 8058's POST
comes from a mail provider, with no session, so that surface is declared exempt). The
signed token is the only key: a forged or altered one is a 404. A GET never changes a
thing (link scanners follow GETs)."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from app import herald_config, security
from app.core.recipients import choices
from app.core.recipients.links import (
    preferences_url,
    read_preferences_token,
    read_unsubscribe_token,
)
from app.extensions import db
from app.models import Category, Contact
from app.tracking.locales import language, translations

pages = Blueprint("recipients", __name__, url_prefix="/p")
one_click = Blueprint("unsubscribe", __name__, url_prefix="/u")


def _render(template: str, contact: Contact | None, status: int = 200, **context):
    lang = language(contact.locale if contact else None)
    return render_template(f"recipients/{template}", lang=lang,
                           _=translations(lang).gettext, **context), status


def _contact(contact_id: int | None) -> Contact:
    contact = db.session.get(Contact, contact_id) if contact_id is not None else None
    if contact is None:
        abort(404)
    return contact


@pages.route("/<token>", methods=["GET", "POST"])
def preferences(token: str):
    """Show the contact's switches; a POST saves them, or leaves all marketing."""
    contact = _contact(read_preferences_token(herald_config(), token))
    if request.method == "POST":
        done = "leave_marketing" if request.form.get("action") == "leave_marketing" else "saved"
        if done == "leave_marketing":
            choices.unsubscribe_from_marketing(db.session, contact, request.remote_addr)
        else:
            choices.save(db.session, contact, set(request.form.getlist("on")),
                         request.remote_addr)
        db.session.commit()
        return redirect(url_for(".preferences", token=token, done=done), code=303)
    return _render("preferences.html", contact, page=choices.page(db.session, contact),
                   done=request.args.get("done"))


@one_click.route("/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET: ask to confirm. POST (the one-click request, or the button): unsubscribe."""
    link = read_unsubscribe_token(herald_config(), token)
    contact = _contact(link.contact_id if link else None)
    category = db.session.scalar(select(Category).where(Category.key == link.category))
    if category is None:
        abort(404)
    if request.method == "POST":
        choices.unsubscribe(db.session, contact.id, category.key, request.remote_addr)
        db.session.commit()
    return _render("unsubscribe.html", contact, category=category,
                   done=request.method == "POST",
                   preferences=preferences_url(herald_config(), contact.id))


@pages.errorhandler(404)
@one_click.errorhandler(404)
def _not_found(error):
    return _render("invalid.html", None, 404)


@pages.errorhandler(CSRFError)
def _expired_form(error):
    return _render("invalid.html", None, 400, expired=True)


@pages.after_request
@one_click.after_request
def _private(response):
    """Pages behind a secret link: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def init_app(app) -> None:
    security.exempt(app, one_click, "/u/")
    app.register_blueprint(pages)
    app.register_blueprint(one_click)
