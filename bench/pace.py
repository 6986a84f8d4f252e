"""SMS at a configured pace: a campaign throttled to PACE messages a second, released by
the scheduler's campaign tick, sent by the SMS worker through the Twilio simulator.

The tick releases what the bucket earned since the last one (a new bucket holds one
second's worth), so messages go in lumps, one per tick. The window starts once the first
lump is sent and spans whole ticks: it counts every lump after the first, whole.
"""
import time

import sqlalchemy as sa

from app.core.access.audit import SYSTEM
from app.core.campaigns import lifecycle, runs, spec, store
from app.extensions import db
from app.models import Category, Notification, Segment
from app.models.types import utcnow
from bench.report import Row
from tests import factories

PACE = 20  # messages a second, at most: fewer when the contacts would not last the run
CONTENT = {"en": {"sms": {"text": "Winter sale: everything 20% off"}}}


def _start_campaign(stack, pace: int) -> None:
    """Write a throttled SMS campaign's rows (held for the throttle) to every contact."""
    app = stack.app
    with app.app_context():
        db.session.add(Category(key="promo", name="Promotions", marketing=True,
                                quiet_hours=False))
        db.session.add(Segment(name="Everyone", rules={"match": "all", "rules": []}))
        factories.template("sale", content=CONTENT, category="promo")
        segment = db.session.scalar(sa.select(Segment).where(Segment.name == "Everyone"))
        campaign = store.create_campaign(db.session, spec.parse({
            "name": "Paced SMS", "category": "promo", "segment_id": segment.id,
            "channels": ["sms"], "variants": [{"template": "sale"}],
            "throttle_per_minute": pace * 60}), actor=SYSTEM)
        now = utcnow()
        lifecycle.schedule(db.session, campaign, actor=SYSTEM, now=now)
        run = runs.start_run(db.session, campaign, now)
        db.session.commit()
        runs.fan_out(db.session, app.extensions["redis"], app.extensions["herald_config"],
                     run.id)


def _sent() -> int:
    count = db.session.scalar(sa.select(sa.func.count(Notification.sent_at)))
    db.session.remove()
    return count


def _settled(quiet: float = 0.5) -> int:
    """The count of sent messages once a lump is through (none sent for `quiet` s)."""
    count = _sent()
    while True:
        time.sleep(quiet)
        now = _sent()
        if now == count:
            return count
        count = now


def sms_pace(stack, size) -> list[Row]:
    window = max(size.sustained, 4)  # whole ticks (every 2 s) of the scheduler
    recipients = 3 * size.contacts  # every seeded contact has a number
    pace = max(1, min(PACE, int(recipients // (window + 10))))
    stack.reset()
    stack.start_workers({"sms": 1, "events": 1, "scheduler": 1})  # events serves the tick
    _start_campaign(stack, pace)
    with stack.app.app_context():
        deadline = time.monotonic() + 60
        while _sent() == 0 and time.monotonic() < deadline:  # the first tick released some
            time.sleep(0.1)
        first = _settled()
        time.sleep(window)  # whole ticks on: the last one's lump may still be going out
        rate = (_settled() - first) / window
    return [Row(f"SMS at a configured pace of {pace}/s", rate, "sent/s", pace,
                "within +-5% of the pace", abs(rate / pace - 1) <= 0.05)]
