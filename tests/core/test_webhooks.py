"""Replay protection: the freshness window, and ids claimed once even when concurrent."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.channels.base import FUTURE_SKEW
from app.channels.webhooks import MalformedWebhook, StaleWebhook, check_fresh
from app.core.delivery.webhooks import claim
from app.models.types import utcnow

WINDOW = timedelta(minutes=10)


def test_fresh_timestamps_pass_and_others_are_refused():
    now = utcnow()
    seconds = int(now.timestamp())
    for fresh in (seconds, seconds - 599, seconds + int(FUTURE_SKEW.total_seconds()) - 1):
        check_fresh(str(fresh), now, WINDOW)
    for stale in (seconds - 601, seconds + 3600, 10**19, 0):
        with pytest.raises(StaleWebhook):
            check_fresh(str(stale), now, WINDOW)
    for malformed in ("", " 1", "1e9", "-1", "١٢٣", "9" * 21):
        with pytest.raises(MalformedWebhook):
            check_fresh(malformed, now, WINDOW)


@pytest.mark.postgresql  # row locks
def test_concurrent_deliveries_of_one_id_claim_it_once(db):
    first, second, result = Session(db.engine), Session(db.engine), {}
    now = utcnow()
    try:
        assert claim(first, "sendgrid", ["ev-1", "ev-2"], now, WINDOW) == {"ev-1", "ev-2"}
        racer = threading.Thread(target=lambda: result.setdefault(
            "second", claim(second, "sendgrid", ["ev-2", "ev-3"], now, WINDOW)))
        racer.start()
        racer.join(0.5)
        assert racer.is_alive()  # waits on the first transaction's unique key
        first.commit()
        racer.join(10)
        assert result["second"] == {"ev-3"}
        second.commit()
    finally:
        first.close()
        second.close()
