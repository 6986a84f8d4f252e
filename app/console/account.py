"""Your account: the signed-in operator's own settings (the zone console times are shown in)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.console.audit import record_change
from app.console.forms import TimeZoneForm
from app.console.security import role_required, self_service
from app.core.access import operators as core
from app.extensions import db
from app.models.types import utcnow

bp = Blueprint("account", __name__, url_prefix="/settings/account")


@bp.route("/", methods=["GET", "POST"])
@self_service
@role_required("viewer")
def index():
    form = TimeZoneForm(timezone=current_user.timezone)
    form.timezone.choices = core.time_zones()
    if form.validate_on_submit():
        before = current_user.timezone
        try:
            core.set_timezone(current_user, form.timezone.data)
        except core.OperatorError as exc:
            form.timezone.errors.append(str(exc))
        else:
            record_change("operator.change_timezone", "operator", current_user.id,
                          {"timezone": before}, {"timezone": current_user.timezone})
            db.session.commit()
            flash(f"Times are now shown in {current_user.timezone}.", "success")
            return redirect(url_for(".index"))
    return render_template("console/account/index.html", form=form, now=utcnow()), \
        422 if form.errors else 200
