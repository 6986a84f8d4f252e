"""Send rate limits per provider, shared through Redis, and the slow-down on a 429.

The pacer's clock is fake (its sleep moves it), so the spacing is asserted exactly and
no test waits; the sends themselves go to the simulator over real HTTP.
"""
import pytest

from app.channels.base import Message, RateLimited
from app.channels.pacing import Pacer
from app.channels.pool import ProviderPool
from tests.channels.support import with_settings


class FakeClock:
    def __init__(self):
        self.now, self.waits = 1_000_000.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(self.now + seconds - 1_000_000.0, 6))
        self.now += seconds


@pytest.fixture()
def clock():
    return FakeClock()


def paced_pool(config, redis, clock, **settings):
    pool = ProviderPool(with_settings(config, **settings), redis=redis)
    pool.pacer = Pacer(redis, pool.config, clock=clock, sleep=clock.sleep)
    return pool


def sms(count: int, first: int = 0) -> list[Message]:
    return [Message(f"n-{n}", "sms", f"+1415555{n:04d}", {"text": "Hi"})
            for n in range(first, first + count)]


def test_twilio_sends_are_spaced_to_the_limit_across_workers(config, redis, sandbox, clock):
    settings = {"PROVIDER_RATE_LIMITS": "twilio=5/1"}
    first, second = (paced_pool(config, redis, clock, **settings) for _ in range(2))
    try:
        assert all(r.ok for r in first.send("twilio", sms(3)))
        # Another worker's batch takes the slots after the first one's: 0.6 s on.
        assert all(r.ok for r in second.send("twilio", sms(2, first=3)))
    finally:
        first.close()
        second.close()
    assert clock.waits == [0.2, 0.4, 0.6, 0.8]  # one message per 0.2 s, the first at once
    assert len(sandbox.received("twilio")) == 5


def test_messages_past_the_longest_wait_are_given_back_to_retry(config, redis, sandbox, clock):
    pool = paced_pool(config, redis, clock, PROVIDER_RATE_LIMITS="twilio=2/1",
                      RATE_WAIT_MAX_SECONDS=1)
    try:
        results = pool.send("twilio", sms(5))
    finally:
        pool.close()
    assert [r.ok for r in results] == [True, True, True, False, False]
    late = results[3].error
    assert isinstance(late, RateLimited) and late.code == "rate_wait"
    assert late.retry_after == pytest.approx(1.5)  # the first free slot after the three
    assert len(sandbox.received("twilio")) == 3


def test_the_limit_counts_per_sender_number(config, redis, sandbox, clock):
    settings = {"PROVIDER_RATE_LIMITS": "twilio=1/1", "RATE_WAIT_MAX_SECONDS": 1}
    one = paced_pool(config, redis, clock, TWILIO_FROM="+15005550006", **settings)
    other = paced_pool(config, redis, clock, TWILIO_FROM="+15005550007", **settings)
    try:
        assert all(r.ok for r in one.send("twilio", sms(2)))
        assert all(r.ok for r in other.send("twilio", sms(2, first=2)))
    finally:
        one.close()
        other.close()
    assert clock.waits == [1.0, 2.0]  # the second number had its own first slot at once


def test_a_429_pauses_every_worker_until_retry_after_then_slows_down(config, redis, sandbox,
                                                                    clock):
    settings = {"PROVIDER_RATE_LIMITS": "twilio=10/1", "RATE_WAIT_MAX_SECONDS": 30}
    first, second = (paced_pool(config, redis, clock, **settings) for _ in range(2))
    sandbox.fail("twilio", "429", retry_after=5)
    try:
        [limited] = first.send("twilio", sms(1))
        assert isinstance(limited.error, RateLimited) and limited.error.retry_after == 5
        assert all(r.ok for r in second.send("twilio", sms(3, first=1)))
    finally:
        first.close()
        second.close()
    # The other worker waited out the Retry-After, then sent at half the rate (0.2 s apart).
    assert clock.waits == pytest.approx([5.0, 5.2, 5.4], abs=0.01)


def test_without_a_limit_a_429_longer_than_the_longest_wait_retries_later(config, redis,
                                                                          sandbox, clock):
    pool = paced_pool(config, redis, clock, RATE_WAIT_MAX_SECONDS=10)
    sandbox.fail("twilio", "429", retry_after=60)
    try:
        pool.send("twilio", sms(1))
        results = pool.send("twilio", sms(2, first=1))
    finally:
        pool.close()
    assert {r.error.code for r in results} == {"rate_wait"}
    assert results[0].error.retry_after == pytest.approx(60, abs=1)
    assert sandbox.received("twilio") == [] and clock.waits == []
