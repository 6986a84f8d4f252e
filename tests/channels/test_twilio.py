"""Twilio through its SDK: error mapping at the simulator, status callbacks read as receipts."""
import pytest

from app.channels.base import InvalidRecipient, PermanentError, RateLimited, TransientError
from app.channels.sms.twilio import status_receipt
from tests.channels.support import (
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
    message_for,
)


@cases("twilio", [
    ("21211", InvalidRecipient, "21211"),
    ("21610", InvalidRecipient, "21610"),
    ("21408", PermanentError, "21408"),
    ("429", RateLimited, "20429"),
    ("500", TransientError, "20500"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["twilio"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox)


@pytest.mark.parametrize("provider", ["twilio"], indirect=True)
@pytest.mark.parametrize("kind, reason", [("21610", "stop"), ("21211", "invalid_recipient")])
def test_a_dead_number_says_why_it_is_suppressed(provider, sandbox, kind, reason):
    sandbox.fail("twilio", kind)
    [result] = provider.send_batch([message_for("twilio", sandbox)])
    assert result.error.reason == reason


@pytest.mark.parametrize("form, expected", [
    ({"MessageStatus": "delivered"}, ("delivered", "delivered", None, None)),
    ({"MessageStatus": "undelivered", "ErrorCode": "30006"},
     ("failed", "bounced", "30006", "hard_bounce")),
    ({"MessageStatus": "failed", "ErrorCode": "30005"},
     ("failed", "bounced", "30005", "hard_bounce")),
    ({"MessageStatus": "undelivered", "ErrorCode": "30003"},
     ("failed", "undelivered", "30003", None)),
])
def test_status_callback_is_read_as_a_neutral_receipt(form, expected):
    receipt = status_receipt({"MessageSid": "SM1", **form})
    assert (receipt.status, receipt.kind, receipt.error_code, receipt.suppress) == expected
    assert receipt.provider_message_id == "SM1"
    assert receipt.event_id == f"SM1:{form['MessageStatus']}"


@pytest.mark.parametrize("status", ["queued", "sent", "accepted", ""])
def test_status_callbacks_that_change_nothing_are_no_receipt(status):
    assert status_receipt({"MessageSid": "SM1", "MessageStatus": status}) is None
