"""Retry delays: exponential with jitter, capped, never sooner than Retry-After."""
from app.config import Config
from app.core.delivery.outcomes import backoff_seconds

CONFIG = Config(RETRY_BASE_SECONDS=10, RETRY_MAX_SECONDS=3600)


def test_delay_doubles_per_attempt_with_jitter():
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (6, 320)):
        delays = {backoff_seconds(CONFIG, attempt) for _ in range(200)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 100  # jittered, so retries of one burst spread out


def test_delay_is_capped():
    assert all(1800 <= backoff_seconds(CONFIG, 30) <= 3600 for _ in range(50))


def test_retry_after_wins_when_longer():
    assert backoff_seconds(CONFIG, 1, retry_after=120) == 120
    assert 5 <= backoff_seconds(CONFIG, 1, retry_after=1) <= 10
