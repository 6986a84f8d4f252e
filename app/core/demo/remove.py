"""Take the demo workspace away: every row seed.py made, and everything hanging off it.

Set-based: each table is emptied of demo rows by one DELETE whose ids come from
`demo_rows` (a subquery, so no list of ids travels), children before parents. Rows the
database would only detach (ON DELETE SET NULL: the notifications and events of a demo
contact) are deleted explicitly, so nothing of the demo is left behind. The demo's
contacts are locked first: a send that read one (and locked it) is committed before
its rows are looked for, and a later send finds no contact.
"""
from sqlalchemy import String, and_, cast, delete, or_, select

from app.models import (
    AuditLog,
    Campaign,
    CampaignRun,
    CampaignVariant,
    Category,
    Contact,
    DemoRow,
    Device,
    Event,
    Notification,
    NotificationStatus,
    Preference,
    Segment,
    ShortLink,
    Suppression,
    Template,
    TemplateVersion,
    TrackedLink,
)

# The audit log's entity types of each marked table.
ENTITY = {"contacts": "contact", "templates": "template", "segments": "segment",
          "campaigns": "campaign"}


def _marked(table: str):
    return select(DemoRow.row_id).where(DemoRow.table_name == table).scalar_subquery()


def remove(session) -> dict[str, int]:
    """Delete the demo workspace (the caller commits); return the rows removed per table."""
    contacts, templates = _marked("contacts"), _marked("templates")
    campaigns, segments = _marked("campaigns"), _marked("segments")
    notifications = select(Notification.id).where(or_(
        Notification.contact_id.in_(contacts), Notification.campaign_id.in_(campaigns)))
    versions = select(TemplateVersion.id).where(TemplateVersion.template_id.in_(templates))
    addresses = select(Contact.email).where(Contact.id.in_(contacts), Contact.email.is_not(None)) \
        .union(select(Contact.phone).where(Contact.id.in_(contacts), Contact.phone.is_not(None)))
    audited = [and_(AuditLog.entity_type == entity, AuditLog.entity_id.in_(
        select(cast(DemoRow.row_id, String)).where(DemoRow.table_name == table)))
        for table, entity in ENTITY.items()]
    steps = [
        ("audit_log", delete(AuditLog).where(or_(*audited))),
        ("short_links", delete(ShortLink).where(ShortLink.notification_id.in_(notifications))),
        ("tracked_links", delete(TrackedLink).where(or_(
            TrackedLink.notification_id.in_(notifications),
            TrackedLink.template_version_id.in_(versions)))),
        ("events", delete(Event).where(or_(Event.notification_id.in_(notifications),
                                           Event.contact_id.in_(contacts)))),
        ("notification_statuses", delete(NotificationStatus).where(
            NotificationStatus.notification_id.in_(notifications))),
        ("notifications", delete(Notification).where(Notification.id.in_(notifications))),
        ("suppressions", delete(Suppression).where(Suppression.address.in_(addresses))),
        ("preferences", delete(Preference).where(Preference.contact_id.in_(contacts))),
        ("devices", delete(Device).where(Device.contact_id.in_(contacts))),
        ("contacts", delete(Contact).where(Contact.id.in_(contacts))),
        ("campaign_runs", delete(CampaignRun).where(CampaignRun.campaign_id.in_(campaigns))),
        ("campaign_variants", delete(CampaignVariant).where(
            CampaignVariant.campaign_id.in_(campaigns))),
        ("campaigns", delete(Campaign).where(Campaign.id.in_(campaigns))),
        ("segments", delete(Segment).where(Segment.id.in_(segments))),
        ("template_versions", delete(TemplateVersion).where(TemplateVersion.id.in_(versions))),
        ("templates", delete(Template).where(Template.id.in_(templates))),
        ("categories", delete(Category).where(Category.id.in_(_marked("categories")))),
        ("demo_rows", delete(DemoRow)),
    ]
    session.execute(select(Contact.id).where(Contact.id.in_(contacts)).with_for_update())
    removed = {}
    for table, stmt in steps:
        removed[table] = session.execute(stmt.execution_options(synchronize_session=False)
                                         ).rowcount
    session.expire_all()
    return removed
