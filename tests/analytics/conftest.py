"""A hand-built campaign with known numbers: rows by status, events by people and
machines, conversions in and out of the holdout. The tests check the report against
numbers counted by hand here."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Campaign,
    CampaignRun,
    CampaignVariant,
    Contact,
    Event,
    Notification,
    Preference,
)
from tests import factories

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EMAIL = {"en": {"email": {"subject": "Spring sale", "html": (
    '<h1>Spring sale</h1><p><a href="https://shop.example/sale">Shop the sale</a></p>'
    '<p><a href="https://shop.example/new">New arrivals</a> · '
    '<a href="https://shop.example/never">Never clicked</a></p>')}}}
SALE, NEW = "https://shop.example/sale", "https://shop.example/new"


def _rows(campaign, run, variant, channel, status, n, **extra):
    """n notification rows (one contact each) of the run."""
    first = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    contacts = db.session.scalars(sa.insert(Contact).returning(Contact.id), [
        {"external_id": f"c-{first + i}", "attributes": {}, "tags": []}
        for i in range(n)]).all()
    rows = [{"campaign_id": campaign.id, "campaign_run_id": run.id, "variant": variant,
             "contact_id": cid, "channel": channel, "category": "promo", "status": status,
             "source": "campaign", "sent_at": START + timedelta(minutes=1), **extra}
            for cid in contacts]
    return db.session.scalars(sa.insert(Notification).returning(Notification.id), rows).all()


def _events(kind, ids, at, machine=False, url=None, per=1):
    """Events as the drain stores them: with the notification's contact and run."""
    n = Notification
    owners = {i: db.session.execute(sa.select(
        n.contact_id, n.campaign_run_id, n.variant, n.channel, n.provider).where(
        n.id == i)).one()._asdict() for i in ids}
    events = [{"notification_id": i, **owners[i], "kind": kind, "at": at, "machine": machine,
               "reason": "apple_mpp" if machine else None, "url": url}
              for i in ids for _ in range(per)]
    db.session.execute(sa.insert(Event), events)


@pytest.fixture()
def hand_built(db):
    """Variant A: 8 delivered + 1 sent + 1 failed email, 4 delivered push (2 FCM, 2 APNs),
    3 held out; variant B: 10 delivered email; 2 opted out, 1 suppressed address.

    People: A opened 4 (one twice), clicked 2 (sale, new), converted 1; B opened 6,
    clicked 5 (sale), converted 2; one held-out contact converted too. Machines: 2 more
    opens and 1 more click on A's email."""
    promo = factories.category("promo", marketing=True, quiet_hours=False)
    a = factories.template("spring-a", content=EMAIL, category="promo")
    b = factories.template("spring-b", content=EMAIL, category="promo")
    campaign = Campaign(name="Spring sale", category="promo", channels=["email", "push"],
                        holdout_percent=10, winner_metric="clicked")
    campaign.variants = [CampaignVariant(position=0, template_version_id=a.published_version_id,
                                         share=50),
                         CampaignVariant(position=1, template_version_id=b.published_version_id,
                                         share=50)]
    db.session.add(campaign)
    db.session.flush()
    run = CampaignRun(campaign_id=campaign.id, number=1, scheduled_for=START,
                      started_at=START, finished_at=START + timedelta(hours=1))
    db.session.add(run)
    db.session.flush()
    a_email = _rows(campaign, run, 0, "email", "delivered", 8, provider="sendgrid")
    _rows(campaign, run, 0, "email", "sent", 1, provider="sendgrid")
    _rows(campaign, run, 0, "email", "failed", 1, provider="sendgrid", error_code="hard_bounce")
    _rows(campaign, run, 0, "push", "delivered", 2, provider="fcm")
    _rows(campaign, run, 0, "push", "delivered", 2, provider="apns")
    holdout = _rows(campaign, run, 0, "email", "suppressed", 3, reason="holdout")
    b_email = _rows(campaign, run, 1, "email", "delivered", 10, provider="sendgrid")
    _rows(campaign, run, 1, "email", "suppressed", 2, reason="opted_out")
    _rows(campaign, run, 0, "email", "suppressed", 1, reason="suppressed_address")
    at = START + timedelta(minutes=80)  # 10:20 UTC, 15:50 in Kolkata
    later = START + timedelta(minutes=100)  # 10:40 UTC, 16:10 in Kolkata
    _events("opened", a_email[:1], at, per=2)
    _events("opened", a_email[1:4], later)
    _events("opened", a_email[4:6], at, machine=True)
    _events("clicked", a_email[:1], later, url=SALE)
    _events("clicked", a_email[1:2], later, url=NEW)
    _events("clicked", a_email[6:7], at, machine=True, url=SALE)
    _events("converted", a_email[:1], later)
    _events("opened", b_email[:6], at)
    _events("clicked", b_email[:5], later, url=SALE)
    _events("converted", b_email[:2], later)
    held = db.session.scalar(sa.select(Notification.contact_id).where(
        Notification.id == holdout[0]))
    db.session.add(Event(contact_id=held, kind="converted", at=later))
    unsubscribed = db.session.scalar(sa.select(Notification.contact_id).where(
        Notification.id == b_email[9]))
    db.session.add(Preference(contact_id=unsubscribed, category_id=promo.id, channel="email",
                              opted_in=False, source="recipient", updated_at=later))
    db.session.commit()
    return {"campaign": campaign, "run": run}
