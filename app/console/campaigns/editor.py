"""The campaign editor, as steps (content, audience, schedule, delivery), and the review.

Each step posts its fields; they replace that part of the campaign's whole spec, which is
parsed and saved as one (store.create_campaign / update_campaign), or re-rendered with its
errors next to the fields and nothing written. Saving a scheduled campaign unschedules it.
"""

from zoneinfo import available_timezones

from flask import flash, redirect, render_template, request, url_for

from app.console.audit import current_actor
from app.console.campaigns import editor_forms as forms
from app.console.campaigns.editor_review import campaign_url, operator_zone
from app.console.campaigns.editor_schedule import DAYS, preview
from app.console.campaigns.views import bp
from app.console.responses import or_404
from app.console.security import role_required
from app.core.campaigns import spec, store
from app.errors import HeraldError
from app.extensions import db
from app.models.campaigns import CampaignStatus
from app.models.types import utcnow

EDITOR = "console/campaigns/edit.html"


def _render(campaign, step: str, values, errors=(), status: int = 200):
    placed, general = forms.place_errors(list(errors), step)
    tz = operator_zone()
    context = dict(
        campaign=campaign, step=step, steps=forms.STEPS, values=values, slots=placed,
        general=general, operator_tz=tz, days=DAYS, labels=forms.LABELS,
        channel_order=forms.channel_order(values), channels_picked=values.getlist("channels"),
        versions=forms.version_options(db.session) if step == "content" else [],
        segments=forms.segment_options(db.session) if step == "audience" else [],
        categories=forms.category_options(db.session) if step == "audience" else [],
        zones=sorted(available_timezones()) if step == "schedule" else [],
        schedule=preview(values, tz, utcnow()) if step == "schedule" else None)
    return render_template(EDITOR, **context), status


def _editable(campaign_id: int):
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    if campaign.status not in store.EDITABLE:
        flash(f"A {campaign.status} campaign cannot be edited; clone it to change it.", "info")
        return campaign, redirect(campaign_url(campaign.id))
    return campaign, None


@bp.route("/new")
@role_required("editor")
def new():
    return _render(None, "content", forms.values_of(forms.new_spec(db.session),
                                                    operator_zone()))


def step_routes(**options):
    """Route /<id>/edit/<step> for each step (no free-text part in the URL)."""
    def register(view):
        for key in forms.STEP_KEYS:
            bp.add_url_rule(f"/<int:campaign_id>/edit/{key}", view_func=view,
                            defaults={"step": key}, **options)
        return view
    return register


@step_routes()
@role_required("editor")
def edit(campaign_id: int, step: str):
    campaign, elsewhere = _editable(campaign_id)
    if elsewhere:
        return elsewhere
    return _render(campaign, step, forms.values_of(store.to_spec(campaign), operator_zone()))


@step_routes(methods=["POST"])
@bp.route("/new", methods=["POST"])
@role_required("editor")
def save(campaign_id: int | None = None, step: str = "content"):
    campaign, elsewhere = _editable(campaign_id) if campaign_id else (None, None)
    if elsewhere:
        return elsewhere
    action = request.form.get("action", "next")
    if action.startswith(("up:", "down:")):  # reorder the fallback without saving
        return _render(campaign, step, forms.move_channel(request.form, action))
    current = store.to_spec(campaign) if campaign else forms.new_spec(db.session)
    data, errors = forms.read_step(step, request.form, current, operator_zone())
    if errors:
        return _render(campaign, step, request.form, errors, 422)
    was_scheduled = campaign is not None and campaign.status == CampaignStatus.SCHEDULED
    try:
        campaign = _store(campaign, data)
    except HeraldError as exc:
        db.session.rollback()
        return _render(campaign, step, request.form,
                       exc.errors or [{"field": "", "message": exc.detail}], 422)
    db.session.commit()
    _saved_notice(campaign, was_scheduled)
    return redirect(_after(campaign, step, action))


def _store(campaign, data: dict):
    """Create or update the campaign from the whole spec (a new one sends on the channels
    its first template has content for)."""
    parsed = spec.parse(data)
    if campaign is not None:
        return store.update_campaign(db.session, campaign, parsed, actor=current_actor())
    if parsed.variants:
        first = parsed.variants[0]
        parsed.channels = forms.template_channels(db.session, first.template, first.version)
    return store.create_campaign(db.session, parsed, actor=current_actor())


def _saved_notice(campaign, was_scheduled: bool) -> None:
    if was_scheduled:
        flash(f"“{campaign.name}” is no longer scheduled: review it and confirm to schedule "
              "it again.", "warning")
    else:
        flash(f"Draft “{campaign.name}” saved.", "success")


def _after(campaign, step: str, action: str) -> str:
    """Where a save goes: the same step, the next one, or the review after the last."""
    position = forms.STEP_KEYS.index(step)
    if action == "stay":
        return url_for(".edit", campaign_id=campaign.id, step=step)
    if position + 1 < len(forms.STEP_KEYS):
        return url_for(".edit", campaign_id=campaign.id, step=forms.STEP_KEYS[position + 1])
    return url_for(".review", campaign_id=campaign.id)


@bp.route("/schedule-preview", methods=["POST"])
@role_required("editor")
def schedule_preview():
    """The schedule step's live preview: the moment, or the cron text and the next runs."""
    result = preview(request.form, operator_zone(), utcnow())
    placed, general = forms.place_errors(result.errors, "schedule")
    return render_template("console/campaigns/edit_schedule_preview.html", schedule=result,
                           slots=placed, general=general)
