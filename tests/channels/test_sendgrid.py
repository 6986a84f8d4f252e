"""SendGrid v3 Mail Send through its SDK: error mapping at the simulator, events as receipts."""
from datetime import UTC, datetime

import pytest

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.email.sendgrid_events import event_receipt, parse_events
from tests.channels.support import (
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
)

HERALD_ID = "0b5e6c1a-3f0e-4c55-9d1e-2f3a4b5c6d7e"


@cases("sendgrid", [
    ("400", InvalidRecipient, "400"),
    ("401", PermanentError, "401"),
    ("413", PermanentError, "413"),
    ("429", RateLimited, "429"),
    ("500", TransientError, "500"),
    ("503", TransientError, "503"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox)


@pytest.mark.parametrize("provider", ["sendgrid"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox, fault="400")


def tagged(i: int, token: str) -> Message:
    return Message(id=f"m{i}", channel="email", to=f"r{i}@example.com",
                   content={"subject": "Hi", "html": '<a href="https://h.test/c/%t%">x</a>'},
                   substitutions={"%t%": token})


@pytest.mark.parametrize("provider", ["sendgrid"], indirect=True)
def test_tags_go_as_substitutions_unless_over_sendgrids_limit(provider, sandbox):
    big = "b" * 10_000  # over SendGrid's 10,000 bytes of substitutions per recipient
    results = provider.send_batch([tagged(0, "t0"), tagged(1, "t1"), tagged(2, big)])
    assert [r.error for r in results] == [None, None, None]
    received = {r["recipient"]: r for r in sandbox.received("sendgrid")}
    assert received["r0@example.com"]["message_id"] == received["r1@example.com"]["message_id"]
    assert received["r2@example.com"]["message_id"] != received["r0@example.com"]["message_id"]
    sent = {who: r["payload"]["personalizations"][0].get("substitutions")
            for who, r in received.items()}
    assert sent == {"r0@example.com": {"%t%": "t0"}, "r1@example.com": {"%t%": "t1"},
                    "r2@example.com": None}
    html = {who: r["payload"]["content"][0]["value"] for who, r in received.items()}
    assert html["r1@example.com"] == '<a href="https://h.test/c/t1">x</a>'
    assert html["r2@example.com"] == f'<a href="https://h.test/c/{big}">x</a>'


@pytest.mark.parametrize("provider", ["sendgrid"], indirect=True)
def test_messages_sharing_one_content_go_each_to_its_own_recipient(provider, sandbox):
    shared = {"subject": "Hi", "text": "The same for everyone"}  # as a batch's rows share one
    messages = [Message(id=f"m{i}", channel="email", to=f"r{i}@example.com", content=shared)
                for i in range(3)]
    assert [r.error for r in provider.send_batch(messages)] == [None] * 3
    received = {r["recipient"]: r["payload"]["personalizations"]
                for r in sandbox.received("sendgrid")}
    assert {who: [p["to"][0]["email"] for p in ps] for who, ps in received.items()} == {
        f"r{i}@example.com": [f"r{i}@example.com"] for i in range(3)}
    assert {ps[0]["custom_args"]["herald_id"] for ps in received.values()} == {"m0", "m1", "m2"}


@pytest.mark.parametrize("event, expected", [
    ("delivered", ("delivered", "delivered", None)),
    ("bounce", ("failed", "bounced", "hard_bounce")),
    ("dropped", ("failed", "bounced", "hard_bounce")),
    ("spamreport", (None, "complained", "complaint")),
    ("open", (None, "opened", None)),
    ("click", (None, "clicked", None)),
    ("unsubscribe", (None, "unsubscribed", None)),
    ("group_unsubscribe", (None, "unsubscribed", None)),
])
def test_event_is_read_as_a_neutral_receipt(event, expected):
    now = datetime.now(UTC)
    [parsed], refused = parse_events([{
        "event": event, "sg_event_id": "ev-1", "email": "ada@example.com",
        "timestamp": int(now.timestamp()), "sg_message_id": "abc.filter-1",
        "herald_id": HERALD_ID, "status": "5.1.1"}], now)
    assert refused == []
    receipt = event_receipt(parsed)
    assert (receipt.status, receipt.kind, receipt.suppress) == expected
    assert (receipt.notification_id, receipt.provider_message_id, receipt.event_id) == (
        HERALD_ID, "abc", "ev-1")


@pytest.mark.parametrize("event", ["processed", "deferred", "group_resubscribe"])
def test_events_that_change_nothing_are_no_receipt(event):
    now = datetime.now(UTC)
    [parsed], _ = parse_events([{"event": event, "sg_event_id": "ev-1", "email": "a@b.c",
                                 "timestamp": int(now.timestamp())}], now)
    assert event_receipt(parsed) is None
