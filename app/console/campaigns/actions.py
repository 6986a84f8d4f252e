"""What an editor does to a campaign from its page: unschedule, pause, resume, cancel,
pick the A/B winner, clone, archive, delete.

Each is a POST form (its CSRF token checked); the core command checks the status allows
it and audits it; a refusal (a conflict) comes back as a flash message on the page. Run
ids the command returns are queued for fan-out after the commit.
"""

from flask import flash, redirect, request, url_for

from app import redis_client
from app.console.audit import current_actor
from app.console.campaigns.views import bp
from app.console.forms import require_confirmation
from app.console.inputs import as_id
from app.console.responses import or_404
from app.console.security import role_required
from app.core.campaigns import lifecycle, store
from app.errors import HeraldError
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.types import utcnow
from app.queues import enqueue_fan_out


def _unschedule(campaign, actor):
    lifecycle.unschedule(db.session, campaign, actor=actor)
    return [], "Unscheduled: the campaign is a draft again and nothing goes out."


def _pause(campaign, actor):
    lifecycle.pause(db.session, campaign, actor=actor)
    return [], "Paused: no new message goes out until you resume."


def _resume(campaign, actor):
    return lifecycle.resume(db.session, campaign, actor=actor), "Resumed: sending again."


def _cancel(campaign, actor):
    stopped = lifecycle.cancel(db.session, campaign, actor=actor, now=utcnow())
    return [], f"Cancelled for good: {stopped:,} unsent message{'s' * (stopped != 1)} stopped."


def _archive(campaign, actor):
    store.archive_campaign(db.session, campaign, actor=actor)
    return [], "Archived: the campaign is hidden from the list (filter on Archived to see it)."


def _unarchive(campaign, actor):
    store.archive_campaign(db.session, campaign, actor=actor, archived=False)
    return [], "Back in the list."


def _pick_winner(campaign, actor):
    position = as_id(request.form.get("variant"))
    ids = lifecycle.pick_winner(db.session, campaign, -1 if position is None else position,
                                actor=actor)
    label = "ABCD"[position]
    return ids, f"Variant {label} is the winner: it goes to the rest of the audience."


COMMANDS = {"unschedule": _unschedule, "pause": _pause, "resume": _resume,
            "cancel": _cancel, "archive": _archive, "unarchive": _unarchive,
            "winner": _pick_winner}


def _load(campaign_id: int) -> Campaign:
    """The campaign, locked until commit (the scheduler's tick waits or skips it)."""
    require_confirmation()
    return or_404(lambda: db.session.get(Campaign, campaign_id, with_for_update=True))


def _refused(campaign_id: int, error: HeraldError):
    db.session.rollback()
    flash(error.detail, "error")
    return redirect(url_for(".show", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/<any(unschedule, pause, resume, cancel, archive, unarchive, "
          "winner):command>", methods=["POST"])
@role_required("editor")
def act(campaign_id: int, command: str):
    campaign = _load(campaign_id)
    try:
        run_ids, message = COMMANDS[command](campaign, current_actor())
    except HeraldError as exc:
        return _refused(campaign_id, exc)
    db.session.commit()
    enqueue_fan_out(redis_client(), run_ids)
    flash(message, "success")
    return redirect(url_for(".show", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/clone", methods=["POST"])
@role_required("editor")
def clone(campaign_id: int):
    campaign = _load(campaign_id)
    copy = store.clone_campaign(db.session, campaign, actor=current_actor())
    db.session.commit()
    flash(f"“{copy.name}” is a draft copy: change what you need, then review and schedule it.",
          "success")
    return redirect(url_for(".show", campaign_id=copy.id))


@bp.route("/<int:campaign_id>/delete", methods=["POST"])
@role_required("editor")
def delete(campaign_id: int):
    campaign = _load(campaign_id)
    name = campaign.name
    try:
        store.delete_campaign(db.session, campaign, actor=current_actor())
    except HeraldError as exc:
        return _refused(campaign_id, exc)
    db.session.commit()
    flash(f"Campaign “{name}” deleted.", "success")
    return redirect(url_for(".index"))
