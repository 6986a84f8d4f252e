"""JPush REST API v3 against the simulator: the payload, error codes mapped to our tree,
and a dead registration id deactivating its device."""
import pytest
from sqlalchemy import select

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.pool import ProviderPool
from app.channels.push.jpush import JPushProvider
from app.core.delivery.deliver import deliver_batch
from app.models import Device, Notification
from tests import factories
from tests.channels.support import PUSH, cases, with_settings

REGISTRATION_ID = "1a0018970a8b9b5c7d3"


def push_to(registration_id: str = REGISTRATION_ID, number: int = 1, **content) -> Message:
    return Message(f"n-{number}", "push", registration_id, {**PUSH, **content},
                   platform="android")


@cases("jpush", [
    ("1011", InvalidRecipient, "1011"),
    ("1003", PermanentError, "1003"),
    ("1004", PermanentError, "1004"),
    ("2002", RateLimited, "2002"),
    ("429", RateLimited, "2002"),
    ("1030", TransientError, "1030"),
    ("503", TransientError, "1030"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    sandbox.fail("jpush", kind, retry_after=7)
    [result] = provider.send_batch([push_to()])
    assert type(result.error) is error_class, result.error
    assert result.error.code == code
    if error_class is RateLimited:
        assert result.error.retry_after == pytest.approx(7, abs=1.5)
    [ok] = provider.send_batch([push_to()])  # the fault is used up
    assert ok.ok, ok.error
    assert len(sandbox.received("jpush")) == 1


@pytest.mark.parametrize("provider", ["jpush"], indirect=True)
def test_the_push_carries_title_body_extras_and_our_id(provider, sandbox):
    message = push_to(data={"order": "A-1"}, deep_link="app://orders/A-1", ttl_seconds=3600,
                      priority="high")
    [result] = provider.send_batch([message])
    assert result.ok and result.provider_message_id.isdigit()
    [received] = sandbox.received("jpush")
    body = received["payload"]
    assert body["platform"] == ["android"]
    assert body["audience"] == {"registration_id": [REGISTRATION_ID]}
    assert body["notification"]["android"] == {
        "alert": "There", "title": "Hi", "priority": 2,
        "extras": {"order": "A-1", "herald_id": "n-1", "deep_link": "app://orders/A-1"}}
    assert body["options"]["time_to_live"] == 3600


@pytest.mark.parametrize("provider", ["jpush"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    sandbox.fail("jpush", "1011", match="dead-registration-id")
    results = provider.send_batch([push_to(), push_to("dead-registration-id", 2)])
    assert [(r.message_id, r.ok) for r in results] == [("n-1", True), ("n-2", False)]


def test_wrong_credentials_are_a_permanent_error(config, sandbox):
    provider = JPushProvider(with_settings(config, JPUSH_MASTER_SECRET=""))
    try:
        [result] = provider.send_batch([push_to()])
    finally:
        provider.close()
    assert isinstance(result.error, PermanentError) and result.error.code == "1004"


@pytest.mark.usefixtures("app_ctx")
def test_a_dead_registration_id_deactivates_the_device(db, redis, config, sandbox):
    factories.category()
    contact = factories.contact()
    device = factories.device(contact, "android", REGISTRATION_ID, provider="jpush")
    row = factories.notification(contact, channel="push", status="queued", content=PUSH,
                                 device_id=device.id, provider="jpush",
                                 address=REGISTRATION_ID)
    sandbox.fail("jpush", "1011")
    pool = ProviderPool(config)
    try:
        deliver_batch(db.session, redis, config, pool, "push", [str(row.id)])
    finally:
        pool.close()
    db.session.expire_all()
    sent = db.session.get(Notification, row.id)
    assert (sent.status, sent.provider, sent.error_code) == ("failed", "jpush", "1011")
    assert db.session.scalar(select(Device.active)) is False
