"""The review before scheduling: the audience per channel and why the rest is left out,
every variant as recipients see it, how long the sends take, what is still missing, and
the explicit confirm that schedules the campaign."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import herald_config
from app.console.audit import current_actor
from app.console.campaigns.editor_forms import LABELS, STEPS, place_errors
from app.console.campaigns.editor_schedule import DAYS, describe_cron
from app.console.campaigns.views import bp
from app.console.forms import ConfirmForm, require_confirmation
from app.console.responses import or_404
from app.console.security import role_required
from app.console.templates.editor import email_html, render_limits, senders, stash_email
from app.console.templates.forms import locale_name
from app.core.campaigns import lifecycle, review, store, timing
from app.core.templates import content as checks
from app.core.templates import preview as previews
from app.core.templates.budget import scope
from app.errors import HeraldError
from app.extensions import db
from app.models import Segment
from app.models.campaigns import CampaignStatus
from app.models.types import utcnow

# Why a row is not sent, as the review says it (app.core.campaigns.audience's reasons).
REASONS = {
    "no_address": "No address or device",
    "suppressed_address": "Suppressed address",
    "opted_out": "Opted out of the category",
    "frequency_cap": "At the frequency cap",
    "holdout": "Holdout (kept back to measure lift)",
}


def operator_zone() -> str:
    """The signed-in operator's time zone (UTC when theirs is unknown)."""
    return timing.zone(current_user.timezone).key


def campaign_url(campaign_id: int) -> str:
    """The campaign's own page."""
    return url_for("console.campaigns.show", campaign_id=campaign_id)


@dataclass
class Estimate:
    """How long the sends take at the throttle, and in how many send windows."""

    duration: timedelta | None
    window_minutes: int | None = None  # open minutes a day, recipient-local
    window_days: int | None = None  # days of windows the sends need

    @classmethod
    def of(cls, campaign, messages: int) -> "Estimate":
        duration = review.estimated_duration(campaign, messages)
        window = timing.window_of(campaign)
        if window is None:
            return cls(duration)
        minutes = (window.end - window.start) % (24 * 60)
        needed = ceil(duration.total_seconds() / 60 / minutes) if duration else 1
        return cls(duration, minutes, needed)


def variant_previews(campaign) -> list[dict]:
    """Each variant rendered with sample data, for the phone, SMS and email mock-ups."""
    shown = []
    with scope(render_limits()):
        for variant in campaign.variants:
            version = variant.template_version
            content = checks.normalise_content(version.content)
            sample = previews.sample_skeleton(content)
            result = previews.render_preview(content, version.default_locale,
                                             version.default_locale, sample, None,
                                             render_limits())
            shown.append({"variant": variant, "version": version, "preview": result,
                          "email_token": stash_email(email_html(result))})
    return shown


def _review(campaign, now: datetime, errors=None, status: int = 200):
    config = herald_config()
    errors = lifecycle.readiness_errors(db.session, campaign, now, config.MAX_SCHEDULE_DAYS) \
        if errors is None else errors
    counts = review.audience_counts(db.session, campaign, now)
    present = {r for channel in counts["channels"].values() for r in channel if r != "send"}
    tz = timing.zone(operator_zone())
    incomplete = any(e["field"].startswith("/schedule") for e in errors)
    _, problems = place_errors(errors, "review")
    return render_template(
        "console/campaigns/review.html", campaign=campaign, counts=counts,
        reasons=[(key, label) for key, label in REASONS.items() if key in present],
        estimate=Estimate.of(campaign, counts["send"]), problems=problems,
        first_run=None if incomplete else timing.first_run(campaign, now).astimezone(tz),
        next_runs=[r.astimezone(tz) for r in review.next_runs(campaign, now, 5)],
        cron_text=describe_cron(campaign.cron) if campaign.cron else "",
        window=timing.window_of(campaign), days=DAYS, labels=LABELS, steps=STEPS,
        variants=variant_previews(campaign), senders=senders(), locale_name=locale_name,
        operator_tz=tz.key, in_zone=lambda value: value.astimezone(tz),
        segment=_segment(campaign.segment_id), exclusion=_segment(campaign.exclusion_segment_id),
        campaign_url=campaign_url(campaign.id), confirm=ConfirmForm(),
        editable=campaign.status in store.EDITABLE), status


def _segment(segment_id: int | None) -> Segment | None:
    return db.session.get(Segment, segment_id) if segment_id else None


@bp.route("/<int:campaign_id>/review", endpoint="review")
@role_required("viewer")
def review_page(campaign_id: int):
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    return _review(campaign, utcnow())


@bp.route("/<int:campaign_id>/review", methods=["POST"])
@role_required("editor")
def confirm(campaign_id: int):
    """Schedule the campaign as reviewed; a "send now" one starts on the scheduler's next tick."""
    campaign = or_404(store.get_campaign, db.session, campaign_id)
    require_confirmation()
    now = utcnow()
    try:
        lifecycle.schedule(db.session, campaign, actor=current_actor(), now=now,
                           max_days=herald_config().MAX_SCHEDULE_DAYS)
    except HeraldError as exc:
        db.session.rollback()
        return _review(campaign, now, exc.errors or [{"field": "", "message": exc.detail}],
                       409 if campaign.status != CampaignStatus.DRAFT else 422)
    db.session.commit()
    when = campaign.next_run_at.astimezone(timing.zone(operator_zone()))
    start = "within seconds" if campaign.schedule_kind == "now" else \
        f"on {when:%a %d %b %Y at %H:%M} ({when.tzinfo.key})"
    flash(f"“{campaign.name}” is scheduled: it starts {start}.", "success")
    return redirect(campaign_url(campaign.id))
