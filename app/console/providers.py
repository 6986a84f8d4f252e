"""Settings → Providers: each provider's settings (stored sealed; the environment wins),
its circuit, and a test send through it alone."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app import herald_config, provider_config, redis_client
from app.channels.registry import PROVIDERS, provider_chain, provider_class
from app.console.audit import current_actor, record_change
from app.console.forms import attach_errors, require_confirmation
from app.console.security import role_required
from app.core.delivery.circuits import Breakers
from app.core.providers import accounts
from app.core.providers.test_send import WHAT, send_test, testable
from app.errors import ValidationFailed
from app.extensions import db
from app.models import ProviderAccount

bp = Blueprint("providers", __name__, url_prefix="/settings/providers")
ACRONYMS = {"URL": "URL", "SID": "SID", "API": "API", "CA": "CA", "TLS": "TLS", "ID": "ID",
            "FCM": "FCM", "APNS": "APNs", "VAPID": "VAPID"}


class TestSendForm(FlaskForm):
    to = StringField("Send a test to", validators=[InputRequired(), Length(max=4096)])


def _known(name: str) -> str:
    if name not in PROVIDERS:
        abort(404)
    return name


def _settings_form(name: str, stored: dict) -> FlaskForm:
    """A form with one field per editable setting; secrets are never put back in a page."""
    class SettingsForm(FlaskForm):
        pass

    for setting in accounts.editable(name):
        words = setting.name.removeprefix(name.upper() + "_").split("_")
        label = " ".join(ACRONYMS.get(w, w.lower()) for w in words)
        label = label[:1].upper() + label[1:]
        kind = PasswordField if setting.secret else StringField
        setattr(SettingsForm, setting.name, kind(label, validators=[
            Optional(), Length(max=accounts.MAX_VALUE)]))
    data = {s.name: stored.get(s.name, "") for s in accounts.editable(name) if not s.secret}
    return SettingsForm(data=data)  # a POST's own values when it is one


def _rows(name: str, config, stored: dict) -> list[dict]:
    """What the page says about each setting: where its value comes from, shown safely."""
    rows = []
    for setting in accounts.editable(name):
        source = ("environment" if setting.in_environment
                  else "stored" if setting.name in stored else "default")
        rows.append({"setting": setting, "source": source,
                     "value": accounts.shown(setting, getattr(config, setting.name))})
    return rows


def _page(name: str, form=None, test_form=None, result=None, status: int = 200):
    config = provider_config()
    stored = accounts.stored_values(db.session, herald_config()).get(name, {})
    form = form or _settings_form(name, stored)
    account = db.session.get(ProviderAccount, name)
    cls = provider_class(name)
    return render_template(
        "console/providers/show.html", name=name, channel=cls.channel,
        form=form, rows=_rows(name, config, stored),
        account=account, circuit=Breakers(redis_client(), config).state(name),
        test_form=test_form or TestSendForm(), testable=testable(name),
        recipient_hint=WHAT[cls.channel], result=result), status


@bp.route("/")
@role_required("admin")
def index():
    config = provider_config()
    breakers = Breakers(redis_client(), config)
    chains = {channel: provider_chain(channel, config) for channel in ("sms", "email")}
    accounts_by_name = {a.provider: a for a in db.session.query(ProviderAccount)}
    providers = [{"name": name, "channel": provider_class(name).channel,
                  "chain": chains.get(provider_class(name).channel),
                  "circuit": breakers.state(name), "account": accounts_by_name.get(name)}
                 for name in PROVIDERS]
    return render_template("console/providers/index.html", providers=providers)


@bp.route("/<provider>", methods=["GET", "POST"])
@role_required("admin")
def show(provider: str):
    name = _known(provider)
    stored = accounts.stored_values(db.session, herald_config()).get(name, {})
    form = _settings_form(name, stored)
    if not form.is_submitted():
        return _page(name, form=form)
    if form.validate_on_submit():
        changes = {s.name: form[s.name].data or "" for s in accounts.editable(name)}
        try:
            changed = accounts.save(db.session, herald_config(), name, changes,
                                    current_actor())
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            accounts.announce(redis_client())
            flash(f"Saved {len(changed)} setting{'s' if len(changed) != 1 else ''} of {name}; "
                  "workers use them from their next batch." if changed else
                  "Nothing changed.", "success" if changed else "info")
            return redirect(url_for(".show", provider=name))
    return _page(name, form=form, status=422)


@bp.route("/<provider>/test", methods=["POST"])
@role_required("admin")
def test(provider: str):
    name = _known(provider)
    form = TestSendForm()
    result = None
    if form.validate_on_submit():
        try:
            result = send_test(db.session, provider_config(), name, form.to.data,
                               current_actor())
        except ValidationFailed as exc:
            attach_errors(form, exc)
        else:
            db.session.commit()
    return _page(name, test_form=form, result=result, status=200 if result else 422)


@bp.route("/<provider>/forget", methods=["POST"])
@role_required("admin")
def forget(provider: str):
    name = _known(provider)
    require_confirmation()
    if accounts.forget(db.session, herald_config(), name, current_actor()):
        db.session.commit()
        accounts.announce(redis_client())
        flash(f"Stored settings of {name} removed: the environment's and defaults apply.",
              "success")
    return redirect(url_for(".show", provider=name))


@bp.route("/<provider>/circuit", methods=["POST"])
@role_required("admin")
def close_circuit(provider: str):
    """Close a provider's circuit by hand (e.g. after fixing its credentials)."""
    name = _known(provider)
    require_confirmation()
    Breakers(redis_client(), herald_config()).reset(name)
    record_change("provider.close_circuit", "provider", name)
    db.session.commit()
    flash(f"The circuit of {name} is closed: sends go to it again.", "success")
    return redirect(url_for(".show", provider=name))
