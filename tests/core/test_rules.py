"""Rules before a send: what critical bypasses, opt-in-only categories, atomic rate limits."""
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from app.core.delivery import rules
from app.core.delivery.dispatch import SendRequest, accept
from app.models import Preference, Suppression
from tests import factories

SMS = {"sms": {"text": "Your code is 123"}}
NIGHT = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)  # inside 22:00-08:00 in London


def _accept(db, redis, config, category, now=None):
    request = SendRequest(recipients=["user-1"], category=category, channels=["sms"],
                          content=SMS)
    accepted = accept(db.session, redis, config, request, now=now)
    db.session.commit()
    return [(n.status, n.reason) for n in accepted.notifications]


def test_critical_bypasses_caps_and_quiet_hours_but_not_the_suppression_list(db, redis,
                                                                             config):
    quiet = type(config)(**{**vars(config), "QUIET_HOURS": "22:00-08:00"})
    factories.category("security", critical=True,
                       rate_limits={"sms": {"limit": 1, "per_seconds": 3600}})
    factories.category("orders", rate_limits={"sms": {"limit": 1, "per_seconds": 3600}})
    factories.contact(timezone="Europe/London")
    for _ in range(3):
        assert _accept(db, redis, quiet, "security", NIGHT) == [("queued", None)]
    assert _accept(db, redis, quiet, "orders", NIGHT) == [("accepted", "quiet_hours")]
    assert _accept(db, redis, quiet, "orders", NIGHT) == [("suppressed", "rate_limited")]
    db.session.add(Suppression(channel="sms", address="+14155550100", reason="stop"))
    db.session.commit()
    assert _accept(db, redis, quiet, "security", NIGHT) == [("suppressed",
                                                             "suppressed_address")]


def test_opt_in_only_category_needs_a_yes(db, redis, config):
    digest = factories.category("digest", default_opt_in=False)
    contact = factories.contact()
    assert _accept(db, redis, config, "digest") == [("suppressed", "opted_out")]
    db.session.add(Preference(contact_id=contact.id, category_id=digest.id, channel="sms",
                              opted_in=True))
    db.session.commit()
    assert _accept(db, redis, config, "digest") == [("queued", None)]


def test_default_rate_limit_applies_where_a_category_sets_none(db, redis, config):
    capped = type(config)(**{**vars(config), "DEFAULT_RATE_LIMIT": "sms=2/60"})
    factories.category("orders")
    factories.contact()
    results = [_accept(db, redis, capped, "orders")[0] for _ in range(3)]
    assert results == [("queued", None), ("queued", None), ("suppressed", "rate_limited")]


def test_rate_limit_is_atomic_under_concurrency(redis):
    key = rules.rate_limit_key("orders", "sms", 1)

    def hit(_):
        return rules.admit(redis, [(key, 5, 60)])[0]

    with ThreadPoolExecutor(16) as pool:
        admitted = list(pool.map(hit, range(64)))
    assert admitted.count(True) == 5
    assert redis.zcard(key) == 5


def test_rate_limit_window_slides(redis):
    key = rules.rate_limit_key("orders", "sms", 2)
    assert rules.admit(redis, [(key, 1, 60)] * 2, now=1000.0) == [True, False]
    assert rules.admit(redis, [(key, 1, 60)], now=1059.0) == [False]
    assert rules.admit(redis, [(key, 1, 60)], now=1061.0) == [True]


def test_a_send_counted_once_is_admitted_again_within_its_window(redis):
    key = rules.rate_limit_key("orders", "sms", 3)
    assert rules.admit(redis, [(key, 1, 60)], now=1000.0, send="request-a") == [True]
    assert rules.admit(redis, [(key, 1, 60)], now=1010.0, send="request-a") == [True]
    assert rules.admit(redis, [(key, 1, 60)], now=1010.0, send="request-b") == [False]
    assert redis.zcard(key) == 1
    # Once its window has passed it is a send like any other.
    assert rules.admit(redis, [(key, 1, 60)], now=1070.0, send="request-b") == [True]
    assert rules.admit(redis, [(key, 1, 60)], now=1075.0, send="request-a") == [False]


def test_a_redis_without_the_script_loads_it_and_counts_each_send_once(redis):
    """The script goes by its digest; a Redis that has not seen it (new, restarted, its
    scripts flushed) is given it once and the calls run again, none counted twice."""
    keys = [rules.rate_limit_key("orders", "sms", n) for n in (4, 5)]
    redis.script_flush()
    hits = [(keys[0], 1, 60), (keys[0], 1, 60), (keys[1], 2, 60)]
    assert rules.admit(redis, hits, now=1000.0, send="request-a") == [True, True, True]
    assert [redis.zcard(key) for key in keys] == [1, 1]
    redis.script_flush()
    assert rules.admit(redis, [(keys[1], 2, 60)], now=1001.0) == [True]
    assert rules.admit(redis, [(keys[1], 2, 60)], now=1002.0) == [False]
    assert redis.zcard(keys[1]) == 2
