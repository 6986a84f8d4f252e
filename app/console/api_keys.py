"""Settings → API keys: list, create (the token is shown once), revoke."""

from flask import Blueprint, flash, render_template, url_for

from app.console.audit import current_actor
from app.console.forms import ApiKeyForm, ConfirmForm, attach_errors, require_confirmation
from app.console.responses import fragment_or_redirect, or_404
from app.console.security import role_required
from app.core.access import api_keys as core
from app.errors import ValidationFailed
from app.extensions import db
from app.models import ApiKey

bp = Blueprint("api_keys", __name__, url_prefix="/settings/api-keys")


@bp.route("/")
@role_required("admin")
def index():
    return render_template("console/api_keys/index.html", keys=core.list_api_keys(db.session),
                           confirm=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            key, token = core.create_api_key(db.session, form.name.data, form.scopes.data,
                                             actor=current_actor(),
                                             rate_limit=form.rate_limit.data)
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            # Rendered, not redirected: the plaintext token exists only in this response.
            return render_template("console/api_keys/created.html", key=key, token=token)
    return render_template("console/api_keys/new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:key_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke(key_id: int):
    key = or_404(db.session.get, ApiKey, key_id)
    require_confirmation()
    if core.revoke_api_key(db.session, key.id, actor=current_actor()):
        db.session.commit()
        db.session.refresh(key)
        flash(f"The key “{key.name}” is revoked; requests using it now get 401.", "success")
    return fragment_or_redirect("console/api_keys/_row.html", url_for(".index"), key=key,
                                confirm=ConfirmForm())
