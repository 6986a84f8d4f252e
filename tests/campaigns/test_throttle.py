"""The throttle: a token bucket per campaign in Redis, shared by every tick."""
import threading
import time

import sqlalchemy as sa

from app.core.campaigns import release
from app.extensions import db
from app.models import Notification
from app.models.notifications import Status
from tests.campaigns.conftest import add_contacts

RATE = 600  # per minute: 10 a second


def released(run) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).where(
        Notification.campaign_run_id == run.id, Notification.status != Status.ACCEPTED))


def test_the_rate_released_stays_within_5_percent(make_campaign, launch, ticking):
    add_contacts(1_000)
    run = launch(make_campaign(throttle_per_minute=RATE))
    assert released(run) == 0  # every row waits for the throttle
    ticking()
    first, start = released(run), time.monotonic()
    while time.monotonic() - start < 12:
        time.sleep(0.3)
        ticking()
    rate = (released(run) - first) / (time.monotonic() - start)
    assert abs(rate - RATE / 60) / (RATE / 60) < 0.05, rate


def test_ticks_on_several_nodes_share_one_bucket(app, make_campaign, redis):
    campaign = make_campaign(throttle_per_minute=RATE)
    redis.delete(release.bucket_key(campaign.id))
    given = []

    def node():
        for _ in range(40):
            given.append(release.take_tokens(redis, campaign, 5))
            time.sleep(0.05)

    threads = [threading.Thread(target=node) for _ in range(4)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    # One second's worth to start with, then 10 a second, whoever asks.
    assert sum(given) <= RATE / 60 * (1 + elapsed) + 1
    assert sum(given) >= RATE / 60 * elapsed * 0.9
