"""The sandbox inbox: every message the simulators received, as its recipient sees it,
and a form to make them fail on purpose. Only while some provider points at the sandbox."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app import herald_config
from app.console.forms import ConfirmForm
from app.console.security import role_required
from app.console.templates.preview import EMAIL_FRAME_CSP
from app.core.ops import inbox
from app.core.ops.startup import providers_on_sandbox
from app.extensions import db

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")


class FaultForm(FlaskForm):
    provider = SelectField("Simulator", choices=[SelectChoice(p, p) for p in inbox.FAULTS])
    outcome = SelectField("Answer with",
                          choices=[SelectChoice(k, v) for k, v in inbox.OUTCOMES.items()])
    match = StringField("Address or token", validators=[Optional(), Length(max=2048)],
                        description="Empty: the next request of any recipient.")
    times = IntegerField("Times", default=1, validators=[InputRequired(), NumberRange(1, 1000)])
    retry_after = IntegerField("Retry-After (s)", validators=[Optional(), NumberRange(0, 3600)])

    def validate_outcome(self, field):
        if field.data not in inbox.FAULTS.get(self.provider.data, {}):
            known = ", ".join(inbox.OUTCOMES[o] for o in inbox.FAULTS.get(self.provider.data, {}))
            raise ValidationError(f"{self.provider.data} cannot answer that; it knows: {known}")


def _config():
    config = herald_config()
    if not providers_on_sandbox(config):
        abort(404)
    return config


@bp.route("/")
@role_required("viewer")
def index(form: FaultForm | None = None, status: int = 200):
    config = _config()
    channel = request.args.get("channel", "")
    channel = channel if channel in inbox.CHANNELS else ""
    search = request.args.get("q", "")[:200]
    try:
        found = inbox.fetch(config, channel, search)
    except inbox.SandboxUnavailable:
        found = None
    messages = found["messages"] if found else []
    inbox.link_notifications(db.session, messages)
    selected = next((m for m in messages if str(m.id) == request.args.get("id")),
                    messages[0] if messages else None)
    thread = [m for m in reversed(messages) if selected and m.channel == "sms"
              and m.recipient == selected.recipient]
    return render_template("console/sandbox/index.html", messages=messages,
                           selected=selected, thread=thread, channel=channel, search=search,
                           faults=found["faults"] if found else [], unavailable=found is None,
                           form=form or FaultForm(), confirm=ConfirmForm(),
                           channels=inbox.CHANNELS), status


@bp.route("/html/<int:entry_id>")
@role_required("viewer")
def email_html(entry_id: int):
    """A received email's HTML for the inbox's sandboxed frame, under its own CSP."""
    try:
        found = inbox.get(_config(), entry_id)
    except inbox.SandboxUnavailable:
        found = None
    if found is None or found.html is None:
        abort(404)
    return found.html, 200, {"Content-Security-Policy": EMAIL_FRAME_CSP,
                             "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer",
                             "Content-Type": "text/html; charset=utf-8"}


@bp.route("/faults", methods=["POST"])
@role_required("editor")
def add_fault():
    config = _config()
    form = FaultForm()
    if not form.validate_on_submit():
        return index(form, 422)
    try:
        inbox.add_fault(config, form.provider.data, form.outcome.data, form.match.data.strip(),
                        form.times.data, form.retry_after.data)
    except inbox.SandboxUnavailable:
        flash("The sandbox did not answer: is it running?", "danger")
        return redirect(url_for(".index"))
    target = form.match.data.strip() or "any recipient"
    flash(f"{form.provider.data} answers the next {form.times.data} request(s) for {target} "
          f"with “{inbox.OUTCOMES[form.outcome.data]}”.", "success")
    return redirect(url_for(".index"))


@bp.route("/clear", methods=["POST"])
@role_required("editor")
def clear():
    config = _config()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        inbox.clear(config)
    except inbox.SandboxUnavailable:
        flash("The sandbox did not answer: is it running?", "danger")
        return redirect(url_for(".index"))
    flash("The sandbox inbox is empty, and its queued faults are gone.", "success")
    return redirect(url_for(".index"))
