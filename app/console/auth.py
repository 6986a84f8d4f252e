"""Sign-in, sign-out and setting a password from an invitation link."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from app import redis_client
from app.console.audit import record_change
from app.console.forms import LoginForm, SetPasswordForm
from app.console.security import (
    client_ip,
    login_policy,
    public,
    role_required,
    safe_next,
    self_service,
    start_session,
)
from app.core.access import operators
from app.extensions import db

bp = Blueprint("auth", __name__)

SIGN_IN_ERRORS = {
    "invalid": "That email and password don't match an account.",
    "locked": "Too many failed attempts. This account is locked for a while; "
              "try again later or ask an admin.",
    "ip_blocked": "Too many failed attempts from your network. Try again later.",
    "disabled": "This account is disabled. Ask an admin to enable it.",
}


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.dashboard.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("console/auth/login.html", form=form), 422 if form.errors else 200
    result = operators.authenticate(
        db.session, redis_client(), form.email.data, form.password.data,
        client_ip(), login_policy(),
    )
    if result.operator is None:
        status = 429 if result.error in {"locked", "ip_blocked"} else 401
        return render_template("console/auth/login.html", form=form,
                               error=SIGN_IN_ERRORS[result.error]), status
    start_session(result.operator)
    return redirect(safe_next(request.args.get("next")) or url_for("console.dashboard.index"))


@bp.route("/logout", methods=["POST"])
@self_service
@role_required("viewer")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for(".login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    operator = operators.read_password_token(
        db.session, token, current_app.config["SECRET_KEY"])
    if operator is None:
        return render_template("console/auth/link_expired.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            operators.set_password(operator, form.password.data)
        except operators.OperatorError as exc:
            form.password.errors.append(str(exc))
        else:
            record_change("operator.set_password", "operator", operator.id, actor=operator)
            db.session.commit()
            logout_user()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for(".login"))
    status = 422 if form.errors else 200
    return render_template("console/auth/set_password.html", form=form,
                           operator=operator), status
