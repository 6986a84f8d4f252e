"""Web push end to end: API-registered subscription → worker → push service simulator.

The simulator records the encrypted body as the push service saw it; the test decrypts
it with the subscription's own keys, as the browser would.
"""
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select

from app.channels.push.vapid import vapid_public_key
from app.models import Device, Notification
from app.sandbox.webpush import subscription
from tests import factories
from tests.helpers.api import history, send
from tests.helpers.webpush import decrypt, local_listener

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.fixture()
def browser(client, api_headers, sandbox, db):
    """Ada with one browser subscribed through the API; returns the subscription."""
    factories.category()
    factories.contact(attributes={"first_name": "Ada"})
    factories.template()
    sub = subscription(sandbox.tls_url, "ada-firefox")
    response = client.post("/api/v1/contacts/user-1/devices", headers=api_headers,
                           json={"platform": "web", "subscription": sub})
    assert response.status_code == 201, response.get_json()
    return sub


def test_browser_receives_the_encrypted_push(client, api_headers, drain, sandbox, db, config,
                                             browser):
    [sent] = send(client, api_headers, channels=["push"], template="welcome",
                  data={"order": "W-1"})
    drain()
    [entry] = sandbox.received("webpush")
    assert entry["recipient"] == browser["endpoint"]
    assert decrypt(entry, "ada-firefox") == {
        "title": "Hi Ada", "body": "Order W-1 shipped", "data": {}, "herald_id": sent["id"],
    }
    assert entry["vapid"]["k"] == vapid_public_key(config)
    assert entry["vapid"]["aud"] == browser["endpoint"].rsplit("/wp/", 1)[0]
    assert entry["vapid"]["sub"] == config.VAPID_SUBJECT
    assert entry["headers"]["ttl"] > 0
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.provider, row.attempts) == ("sent", "webpush", 1)
    assert row.provider_message_id.endswith("/m/" + entry["message_id"])
    assert history(db, row.id) == ["queued", "sending", "sent"]


def test_inline_content_maps_ttl_urgency_and_topic(client, api_headers, drain, sandbox, db,
                                                   browser):
    push = {"title": "Sale", "body": "Today only", "deep_link": "https://shop.example/sale",
            "data": {"sku": "42"}, "ttl_seconds": 60, "priority": "high",
            "collapse_key": "sale"}
    send(client, api_headers, channels=["push"], content={"push": push})
    drain()
    [entry] = sandbox.received("webpush")
    assert entry["headers"] == {"ttl": 60, "urgency": "high", "topic": "sale"}
    payload = decrypt(entry, "ada-firefox")
    assert (payload["deep_link"], payload["data"]) == ("https://shop.example/sale",
                                                       {"sku": "42"})


def test_gone_subscription_deactivates_the_device(client, api_headers, drain, sandbox, db,
                                                  browser):
    sandbox.fail("webpush", "410", match=browser["endpoint"])
    [sent] = send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.error_code) == ("failed", "410")
    device = db.session.scalar(select(Device))
    assert (device.active, device.deactivated_reason) == (False, "410")
    assert sandbox.received("webpush") == []
    [again] = send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
    assert again["status"] == "suppressed"  # no active device is left to reach


def test_rate_limited_push_is_retried_then_delivered(client, api_headers, drain, sandbox, db,
                                                     browser):
    sandbox.fail("webpush", "429", retry_after=0)
    [sent] = send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
    drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.error_code) == ("retrying", "429")
    drain(sweep_first=True, now=row.due_at + timedelta(seconds=1))
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.attempts) == ("sent", 2)
    assert history(db, row.id) == [
        "queued", "sending", "retrying", "queued", "sending", "sent"]
    assert len(sandbox.received("webpush")) == 1


def test_push_service_outage_retries_and_bad_request_fails(client, api_headers, drain,
                                                            sandbox, db, browser):
    sandbox.fail("webpush", "503")
    sandbox.fail("webpush", "400")
    first = send(client, api_headers, channels=["push"], content={"push": {"title": "A"}})
    second = send(client, api_headers, channels=["push"], content={"push": {"title": "B"}})
    drain()
    rows = [db.session.get(Notification, UUID(s[0]["id"])) for s in (first, second)]
    assert sorted((r.status, r.error_code) for r in rows) == [("failed", "400"),
                                                              ("retrying", "503")]
    assert db.session.scalar(select(Device.active)) is True


def test_web_subscription_must_be_https_with_real_keys(client, api_headers, db, browser):
    for bad in ({**browser, "endpoint": browser["endpoint"].replace("https:", "http:")},
                {**browser, "keys": {**browser["keys"], "p256dh": "BA" + "A" * 85}},
                {**browser, "keys": {**browser["keys"], "auth": "short"}}):
        response = client.post("/api/v1/contacts/user-1/devices", headers=api_headers,
                               json={"platform": "web", "subscription": bad})
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"][0]["field"] == "/subscription"
    assert db.session.scalar(select(Device.token)) == browser["endpoint"]


def test_a_stored_device_with_a_hostile_endpoint_is_deactivated_never_called(
        client, api_headers, drain, sandbox, db):
    """A device row written before the endpoint rules (or under other settings)."""
    factories.category()
    ada = factories.contact()
    with local_listener() as (port, seen):
        endpoint = f"https://localhost:{port}\\@fcm.googleapis.com/wp/ada"
        sub = {**subscription(sandbox.tls_url, "ada"), "endpoint": endpoint}
        factories.device(ada, platform="web", token=endpoint, subscription=sub)
        [sent] = send(client, api_headers, channels=["push"], content={"push": {"title": "Hi"}})
        drain()
    row = db.session.get(Notification, UUID(sent["id"]))
    assert (row.status, row.error_code) == ("failed", "host_not_allowed")
    device = db.session.scalar(select(Device))
    assert (device.active, device.deactivated_reason) == (False, "host_not_allowed")
    assert seen == []
    assert sandbox.received("webpush") == []
