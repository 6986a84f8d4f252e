"""Campaigns as operators keep them: create, edit, read, list, clone, archive, delete.

Views commit. Every change is audited as the actor's. A scheduled campaign that is edited
goes back to draft (it must be reviewed and scheduled again); a live one cannot be edited.
"""

from sqlalchemy import select

from app.core.access import audit
from app.core.campaigns import timing
from app.core.campaigns.spec import CampaignSpec
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import Category, Segment, Template, TemplateVersion
from app.models.campaigns import Campaign, CampaignRun, CampaignStatus, CampaignVariant
from app.models.types import utcnow

S = CampaignStatus
EDITABLE = (S.DRAFT, S.SCHEDULED)
AUDITED = ("name", "status", "category", "segment_id", "exclusion_segment_id", "channel_mode",
           "channels", "ab_mode", "test_percent", "test_wait_minutes", "winner_metric",
           "holdout_percent", "schedule_kind", "send_at", "local_date", "local_time", "cron",
           "timezone", "default_timezone", "window_start", "window_end", "window_days",
           "expires_at", "throttle_per_minute", "next_run_at", "archived_at")


def snapshot(campaign: Campaign) -> dict:
    data = audit.snapshot(campaign, AUDITED)
    data["variants"] = [{"template_version_id": v.template_version_id, "share": v.share}
                        for v in campaign.variants]
    return data


def get_campaign(session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"No campaign {campaign_id}")
    return campaign


def list_campaigns(session, *, archived: bool = False, status: list[str] | None = None,
                   before_id: int | None = None, limit: int = 50) -> list[Campaign]:
    """Newest first; `before_id` pages on (keyset)."""
    query = select(Campaign).order_by(Campaign.id.desc()).limit(limit)
    query = query.where(Campaign.archived_at.is_not(None) if archived
                        else Campaign.archived_at.is_(None))
    if status:
        query = query.where(Campaign.status.in_(status))
    if before_id:
        query = query.where(Campaign.id < before_id)
    return list(session.scalars(query))


def list_runs(session, campaign: Campaign, *, before: int | None = None,
              limit: int = 50) -> list[CampaignRun]:
    """Newest first; `before` (a run number) pages on (keyset)."""
    stmt = select(CampaignRun).where(CampaignRun.campaign_id == campaign.id)
    if before is not None:
        stmt = stmt.where(CampaignRun.number < before)
    return list(session.scalars(stmt.order_by(CampaignRun.number.desc()).limit(limit)))


def create_campaign(session, spec: CampaignSpec, *, actor) -> Campaign:
    campaign = Campaign(status=S.DRAFT.value, created_by=audit.Actor.of(actor).name)
    _apply(session, campaign, spec)
    session.add(campaign)
    session.flush()
    audit.record(session, actor, "campaign.create", "campaign", campaign.id, None,
                 snapshot(campaign))
    return campaign


def update_campaign(session, campaign: Campaign, spec: CampaignSpec, *, actor) -> Campaign:
    """Replace a draft's or scheduled campaign's definition (a scheduled one is unscheduled)."""
    if campaign.status not in EDITABLE:
        raise Conflict(f"A {campaign.status} campaign cannot be edited; pause or cancel it, "
                       "or clone it")
    before = snapshot(campaign)
    _apply(session, campaign, spec)
    campaign.status, campaign.next_run_at = S.DRAFT.value, None
    campaign.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "campaign.update", "campaign", campaign.id, before,
                 snapshot(campaign))
    return campaign


def clone_campaign(session, campaign: Campaign, *, actor) -> Campaign:
    """A draft copy named "Copy of …", with the same definition and pinned versions."""
    copy = Campaign(status=S.DRAFT.value, created_by=audit.Actor.of(actor).name,
                    **{name: getattr(campaign, name) for name in AUDITED
                       if name not in ("status", "next_run_at", "archived_at", "name")})
    copy.name = f"Copy of {campaign.name}"[:255]
    copy.variants = [CampaignVariant(position=v.position, share=v.share,
                                     template_version_id=v.template_version_id)
                     for v in campaign.variants]
    session.add(copy)
    session.flush()
    audit.record(session, actor, "campaign.clone", "campaign", copy.id, None,
                 {**snapshot(copy), "cloned_from": campaign.id})
    return copy


def archive_campaign(session, campaign: Campaign, *, actor, archived: bool = True) -> Campaign:
    """Hide (or show again) a campaign that is not going out from the list."""
    if archived and campaign.status in (S.SCHEDULED, S.SENDING, S.PAUSED):
        raise Conflict(f"A {campaign.status} campaign cannot be archived; cancel it first")
    before = snapshot(campaign)
    campaign.archived_at = utcnow() if archived else None
    audit.record(session, actor, "campaign.archive" if archived else "campaign.unarchive",
                 "campaign", campaign.id, before, snapshot(campaign))
    return campaign


def delete_campaign(session, campaign: Campaign, *, actor) -> None:
    """Delete a draft that never ran (anything that ran is archived instead)."""
    if campaign.status != S.DRAFT or campaign.runs:
        raise Conflict("Only a draft that never ran can be deleted; archive it instead")
    audit.record(session, actor, "campaign.delete", "campaign", campaign.id,
                 snapshot(campaign), None)
    session.delete(campaign)


def to_spec(campaign: Campaign) -> dict:
    """The campaign as a spec dict (the API's shape; forms start from it)."""
    window = None
    if campaign.window_start is not None and campaign.window_end is not None:
        window = {"start": timing.as_hhmm(campaign.window_start),
                  "end": timing.as_hhmm(campaign.window_end),
                  "days": list(campaign.window_days or range(7))}
    return {
        "name": campaign.name, "category": campaign.category,
        "segment_id": campaign.segment_id, "exclusion_segment_id": campaign.exclusion_segment_id,
        "channels": list(campaign.channels), "channel_mode": campaign.channel_mode,
        "variants": [{"template": v.template_version.template.key,
                      "version": v.template_version.version, "share": v.share}
                     for v in campaign.variants],
        "ab_mode": campaign.ab_mode, "test_percent": campaign.test_percent,
        "test_wait_minutes": campaign.test_wait_minutes,
        "winner_metric": campaign.winner_metric, "holdout_percent": campaign.holdout_percent,
        "schedule": {"kind": campaign.schedule_kind, "send_at": campaign.send_at,
                     "local_date": campaign.local_date, "local_time": campaign.local_time,
                     "cron": campaign.cron, "timezone": campaign.timezone,
                     "default_timezone": campaign.default_timezone},
        "window": window, "expires_at": campaign.expires_at,
        "throttle_per_minute": campaign.throttle_per_minute,
    }


def _apply(session, campaign: Campaign, spec: CampaignSpec) -> None:
    """Copy a spec onto the campaign after checking what it names exists."""
    errors = []
    if session.scalar(select(Category.id).where(Category.key == spec.category)) is None:
        errors.append({"field": "/category", "message": "unknown category"})
    for name in ("segment_id", "exclusion_segment_id"):
        value = getattr(spec, name)
        if value is not None and session.get(Segment, value) is None:
            errors.append({"field": f"/{name}", "message": "unknown segment"})
    versions = [_version(session, v, i, errors) for i, v in enumerate(spec.variants)]
    errors += _content_errors(spec, versions)
    if errors:
        raise ValidationFailed("The campaign names things that do not exist", errors)
    for name in ("name", "category", "segment_id", "exclusion_segment_id", "channel_mode",
                 "ab_mode", "test_percent", "test_wait_minutes", "winner_metric",
                 "holdout_percent", "expires_at", "throttle_per_minute"):
        setattr(campaign, name, getattr(spec, name))
    campaign.channels = list(spec.channels)
    schedule = spec.schedule
    campaign.schedule_kind, campaign.send_at, campaign.cron = \
        schedule.kind, schedule.send_at, schedule.cron
    campaign.local_date = schedule.local_date.isoformat() if schedule.local_date else None
    campaign.local_time = schedule.local_time
    campaign.timezone, campaign.default_timezone = schedule.timezone, schedule.default_timezone
    window = spec.window
    campaign.window_start = timing.hhmm(window.start) if window else None
    campaign.window_end = timing.hhmm(window.end) if window else None
    campaign.window_days = list(window.days) if window else []
    shares = [v.share for v in spec.variants]
    if spec.ab_mode == "test" or len(shares) == 1:
        shares = [100 // len(shares)] * len(shares)
    if campaign.id is not None and campaign.variants:  # deletes first: positions are unique
        campaign.variants.clear()
        session.flush()
    campaign.variants = [CampaignVariant(position=i, template_version_id=version.id,
                                         share=share)
                         for i, (version, share) in enumerate(zip(versions, shares,
                                                                  strict=True))]


def _version(session, variant, position: int, errors: list) -> TemplateVersion | None:
    field = f"/variants/{position}"
    template = session.scalar(select(Template).where(Template.key == variant.template))
    if template is None:
        errors.append({"field": f"{field}/template", "message": "unknown template"})
        return None
    if variant.version is None:
        if template.published_version is None:
            errors.append({"field": f"{field}/template",
                           "message": "the template has no published version"})
        return template.published_version
    version = session.scalar(select(TemplateVersion).where(
        TemplateVersion.template_id == template.id, TemplateVersion.version == variant.version,
        TemplateVersion.status == "published"))
    if version is None:
        errors.append({"field": f"{field}/version", "message": "no such published version"})
    return version


def _content_errors(spec: CampaignSpec, versions: list) -> list[dict]:
    """Every variant must have content for every channel the campaign sends on."""
    errors = []
    for position, version in enumerate(versions):
        if version is None:
            continue
        content = version.content.get(version.default_locale, {})
        missing = [c for c in spec.channels if c not in content]
        if missing:
            errors.append({"field": f"/variants/{position}/template",
                           "message": f"has no {', '.join(missing)} content"})
    return errors
