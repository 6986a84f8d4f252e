"""Vonage SMS API through its SDK: statuses and HTTP errors mapped at the simulator."""
import pytest

from app.channels.base import InvalidRecipient, PermanentError, RateLimited, TransientError
from app.channels.sms.vonage import THROTTLED_RETRY_SECONDS
from tests.channels.support import (
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
)


@cases("vonage", [
    ("7", InvalidRecipient, "7"),
    ("33", InvalidRecipient, "33"),
    ("5", TransientError, "5"),
    ("2", PermanentError, "2"),
    ("429", RateLimited, "429"),
    ("500", TransientError, "500"),
    ("503", TransientError, "503"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["vonage"], indirect=True)
def test_throttled_waits_the_default_limit(provider, sandbox):
    check_injected_error(provider, "1", RateLimited, "1", sandbox,
                         retry_after=THROTTLED_RETRY_SECONDS)


@pytest.mark.parametrize("provider", ["vonage"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox)
