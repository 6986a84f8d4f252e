"""Realistic rows in every console area (the crawl and the browser smoke test use them)."""
from datetime import timedelta

from app.core.access import api_keys, audit
from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, runs, spec, stats
from app.core.campaigns import store as campaigns
from app.core.imports import run as import_run
from app.core.imports.rows import Column, Options
from app.core.segments import store as segments
from app.core.templates import store as core_templates
from app.extensions import db
from app.models import Notification, NotificationStatus
from app.models.campaigns import RunStatus
from app.models.notifications import STATUSES
from app.models.types import utcnow
from tests import factories
from tests.helpers.console import make_operator

CSV = ("external_id,email,phone,plan\n"
       "user-10,grace@example.com,+14155550110,pro\n"
       "user-11,not-an-email,,free\n"
       "user-12,,+14155550112,\n")

def seed(admin) -> dict:
    """Realistic rows in every console area; return the ids the routes need."""
    session = db.session
    factories.category("orders")
    factories.category("marketing")
    ada = factories.contact(locale="en-GB", tags=["vip", "beta"], attributes={
        "first_name": "Ada", "last_name": "Lovelace", "plan": "pro", "seats": 12})
    bob = factories.contact("user-2", email="bob@example.com", phone="+14155550101",
                            locale="fr", tags=["trial"], attributes={"first_name": "Bob"})
    factories.device(ada)
    factories.device(ada, platform="ios", token=factories.APNS_TOKEN)
    suppression = factories.suppression(address=ada.email)

    template = factories.template("order-shipped")
    content = {**template.published_version.content,
               "de": {"push": {"title": "Hallo", "body": "Bestellung {{ order }}"}}}
    v2, _ = core_templates.save_draft(session, template, content, "en", "admin@example.com")
    core_templates.publish(session, template, v2)
    content["en"]["sms"]["text"] = "Your order {{ order }} is on its way"
    core_templates.save_draft(session, template, content, "en", "editor@example.com")

    segment = segments.create_segment(
        session, "VIP customers", {"match": "all", "rules": [
            {"type": "tag", "op": "has", "value": "vip"},
            {"type": "group", "match": "any", "rules": [
                {"type": "locale", "op": "equals", "value": "en-GB"},
                {"type": "attribute", "key": "plan", "op": "equals", "value": "pro"}]}]},
        "Our best customers", admin)

    # A weekly campaign that ran once and was then taken back to draft: every page of
    # the area has something to show (a run) and the editor can still change it.
    campaign = campaigns.create_campaign(session, spec.parse({
        "name": "Spring sale", "category": "marketing", "segment_id": segment.id,
        "channels": ["sms", "email"], "variants": [{"template": "order-shipped"}],
        "schedule": {"kind": "recurring", "cron": "0 9 * * 1"}}), actor=admin)
    lifecycle.schedule(session, campaign, actor=SYSTEM, now=utcnow())
    run = runs.start_run(session, campaign, utcnow())
    session.add(Notification(  # one message delivered: the report has numbers
        contact_id=ada.id, channel="email", category="marketing", status="delivered",
        provider="sendgrid", address="ada@example.com", campaign_id=campaign.id,
        campaign_run_id=run.id, variant=0, template_version_id=v2.id))
    runs.end_run(run, RunStatus.COMPLETED, utcnow())
    stats.refresh(session, run, utcnow(), force=True)
    lifecycle.unschedule(session, campaign, actor=admin)

    done = import_run.create_import(session, admin, "signups.csv", CSV.encode(), 1 << 20)
    import_run.start_import(session, done, [Column("external_id"), Column("email"),
                                            Column("phone"), Column("attribute", "plan")],
                            Options())
    session.commit()
    import_run.run_import(session, done.id)
    uploaded = import_run.create_import(session, admin, "more.csv", CSV.encode(), 1 << 20)

    notifications = {}
    for n, status in enumerate(STATUSES):
        row = Notification(contact_id=(ada if n % 2 else bob).id, channel=("email", "sms",
                           "push")[n % 3], category="orders", status=status, address="x",
                           template_version_id=v2.id, provider="sendgrid", attempts=1,
                           error_message="503 Service Unavailable" if status == "dead" else None,
                           content={"text": f"Order {n} shipped"},
                           created_at=utcnow() - timedelta(minutes=n), event_id=f"evt-{n}")
        session.add(row)
        session.flush()
        session.add_all([NotificationStatus(notification_id=row.id, status="queued"),
                         NotificationStatus(notification_id=row.id, status=status, attempt=1,
                                            provider="sendgrid", detail="seeded")])
        notifications[status] = row.id

    key, _ = api_keys.create_api_key(session, "checkout service (production)", ["send"],
                                     actor=SYSTEM)
    audit.record(session, admin, "segment.create", "segment", segment.id, None,
                 segments.snapshot(segment), "127.0.0.1")
    audit.record(session, admin, "template.publish", "template", template.id,
                 {"published_version_id": None}, {"published_version_id": v2.id}, "127.0.0.1")
    session.commit()
    other = make_operator("grace@example.com", "editor", name="Grace Hopper")
    return {"contact_id": ada.id, "other_contact_id": bob.id,
            "suppression_id": suppression.id, "template_id": template.id, "number": 1,
            "segment_id": segment.id, "import_id": done.id, "uploaded_import_id": uploaded.id,
            "notification_id": notifications["dead"], "notifications": notifications,
            "key_id": key.id, "operator_id": other.id, "locale": "de", "token": "0" * 64,
            "verb": "disable", "campaign_id": campaign.id, "command": "pause", "position": 0,
            "provider": "twilio"}
