"""Campaign fixtures: contacts in bulk, a segment, templates, and a campaign built
through the core commands (the same path the console and API take)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, runs, spec, store
from app.core.campaigns.tick import tick
from app.extensions import db
from app.models import Contact, Segment
from app.models.types import utcnow
from tests import factories

EVERYONE = {"match": "all", "rules": []}
STATIC = {"en": {"push": {"title": "Sale", "body": "Everything 20% off"},
                 "sms": {"text": "Sale: everything 20% off"},
                 "email": {"subject": "Sale", "html": "<p>Everything <b>20%</b> off</p>"}}}


def add_contacts(n: int, start: int = 0, **columns) -> list[int]:
    """Insert n contacts in one statement; columns may be callables of the index."""
    rows = []
    for i in range(start, start + n):
        row = {"external_id": f"c-{i}", "email": f"c{i}@example.com",
               "phone": f"+1415{i:07d}", "attributes": {}, "tags": []}
        row.update({k: v(i) if callable(v) else v for k, v in columns.items()})
        rows.append(row)
    db.session.execute(sa.insert(Contact), rows)
    db.session.commit()
    return list(db.session.scalars(sa.select(Contact.id).order_by(Contact.id)))


@pytest.fixture()
def marketing(db):
    return factories.category("promo", marketing=True, quiet_hours=False)


@pytest.fixture()
def segment(db):
    row = Segment(name="Everyone", rules=EVERYONE)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture()
def templates(db):
    """Two static templates (A, B) with push, SMS and email content."""
    a = factories.template("sale-a", content=STATIC, category="promo")
    b = factories.template("sale-b", content={"en": {**STATIC["en"], "email": {
        "subject": "Sale B", "html": "<p>B</p>"}}}, category="promo")
    return a, b


@pytest.fixture()
def make_campaign(db, marketing, segment, templates):
    def make(**fields):
        data = {"name": "Winter sale", "category": "promo", "segment_id": segment.id,
                "channels": ["email"], "variants": [{"template": "sale-a"}], **fields}
        campaign = store.create_campaign(db.session, spec.parse(data), actor=SYSTEM)
        db.session.commit()
        return campaign
    return make


@pytest.fixture()
def launch(db, redis, config):
    """Schedule a campaign now, start its run and fan it out in process; return the run."""
    def go(campaign, now=None):
        now = now or utcnow()
        lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=now)
        db.session.commit()
        run = runs.start_run(db.session, campaign, now)
        db.session.commit()
        runs.fan_out(db.session, redis, config, run.id, now=now)
        db.session.refresh(run)
        return run
    return go


@pytest.fixture()
def ticking(db, redis, config):
    def go(now=None):
        return tick(db.session, redis, config, now=now or utcnow())
    return go


__all__ = ["add_contacts", "timedelta"]


@pytest.fixture()
def drain_email(app, redis):
    """Run the email worker in process until its queue is empty (SendGrid simulator)."""
    from rq import SimpleWorker

    import workers.jobs
    workers.jobs.use_app(app)

    def run():
        SimpleWorker(["email", "push", "sms"], connection=redis).work(burst=True)
        db.session.expire_all()
    return run
