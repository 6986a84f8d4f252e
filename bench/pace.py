"""SMS at a configured pace: a campaign throttled to PACE messages a second, released by
the scheduler's campaign tick, sent by the SMS worker through the Twilio simulator.

The tick releases what the bucket earned since the last one, so messages go out in lumps,
one per tick, and each lump holds the pace times the time since the lump before. The rate
is the messages of the lumps after the second over the time from the second lump to the
last (as sent): the first tick's lump comes whenever the campaign starts, off the ticks'
beat (CAMPAIGN_TICK_SECONDS), and what it could not use is given back to the bucket for
the second. A window of wall-clock time instead cut lumps at its ends: 18.6/s once for a
pace of 20.
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
GAP = 0.5  # seconds without a message between two lumps, at least
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


def _settled() -> None:
    """Return once the lump going out is through (nothing sent for GAP seconds)."""
    count = _sent()
    while True:
        time.sleep(GAP)
        count, before = _sent(), count
        if count == before:
            return


def _lumps() -> list[tuple[float, int]]:
    """(when its first message was sent, its messages) of each lump so far, in order."""
    lumps: list[list] = []
    last = None
    for at in db.session.scalars(sa.select(Notification.sent_at).where(
            Notification.sent_at.is_not(None)).order_by(Notification.sent_at)):
        if last is None or (at - last).total_seconds() > GAP:
            lumps.append([at, 0])
        lumps[-1][1] += 1
        last = at
    db.session.remove()
    return [(at.timestamp(), n) for at, n in lumps]


def sms_pace(stack, size) -> list[Row]:
    tick = stack.app.extensions["herald_config"].CAMPAIGN_TICK_SECONDS  # the workers' too
    window = max(size.sustained / 2, 2 * tick)  # two ticks' lumps counted, at least
    recipients = 3 * size.contacts  # every seeded contact has a number
    pace = max(1, min(PACE, int(recipients // (window + 10))))
    stack.reset()
    stack.start_workers({"sms": 1, "events": 1, "scheduler": 1})  # events serves the tick
    _start_campaign(stack, pace)
    with stack.app.app_context():
        deadline = time.monotonic() + 60
        while _sent() == 0 and time.monotonic() < deadline:  # the first tick released some
            time.sleep(0.1)
        time.sleep(window + tick)  # the window, after the second lump
        _settled()
        lumps = _lumps()
    rate = 0.0
    if len(lumps) > 2:  # the lumps after the second, over the time from it to the last
        rate = sum(n for _, n in lumps[2:]) / (lumps[-1][0] - lumps[1][0])
    return [Row(f"SMS at a configured pace of {pace}/s", rate, "sent/s", pace,
                "within +-5% of the pace", abs(rate / pace - 1) <= 0.05)]
