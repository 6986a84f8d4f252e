"""Devices: idempotent registration, moving a token between contacts, unregistering."""
import base64

import pytest
from sqlalchemy import select

from app.channels.push.vapid import load_vapid
from app.models import Contact, Device
from tests import factories
from tests.helpers.api import assert_problem
from tests.helpers.webpush import PARSER_TRICKS, PRIVATE_ORIGIN_TRICKS, hostile

FCM = "dGVzdC1mY20tdG9rZW4:APA91bH" + "x" * 120
APNS = "0123456789abcdef" * 4


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# A browser's public key: an uncompressed point on P-256.
P256DH = ("BIIW5CCmtM_3Pe7NqQlZS8YDJrO2G2LtQj4e1og_xsqC"
          "tJScu9a8hHUfyGM8Y4HYhtOoAyL5I8Qe2WqnXrmrrWg")
SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
    "expirationTime": None,
    "keys": {"p256dh": P256DH, "auth": b64(b"a" * 16)},
}


def devices(in_db):
    return in_db(lambda s: [
        (d.platform, d.provider, d.token, d.active, d.deactivated_reason, d.contact_id)
        for d in s.scalars(select(Device).order_by(Device.id))
    ])


def test_register_is_idempotent(client, auth, seed, in_db):
    contact_id = seed(factories.contact)
    first = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                        json={"platform": "android", "token": FCM})
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                        json={"platform": "android", "token": FCM})
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert devices(in_db) == [("android", "fcm", FCM, True, None, contact_id)]


def test_each_platform_stores_its_provider_and_token(client, auth, seed, in_db):
    contact_id = seed(factories.contact)
    for body in ({"platform": "ios", "token": APNS.upper()},
                 {"platform": "web", "subscription": SUBSCRIPTION}):
        response = client.post("/api/v1/contacts/user-1/devices", headers=auth, json=body)
        assert response.status_code == 201, response.get_json()
    assert devices(in_db) == [
        ("ios", "apns", APNS, True, None, contact_id),
        ("web", "webpush", SUBSCRIPTION["endpoint"], True, None, contact_id),
    ]
    stored = in_db(lambda s: s.scalar(select(Device).where(Device.platform == "web")))
    assert stored.subscription["keys"] == SUBSCRIPTION["keys"]


def test_a_token_moves_to_the_contact_registering_it(client, auth, seed, in_db):
    seed(factories.contact)
    bob = seed(factories.contact, "user-2", email="bob@example.com", phone=None)
    client.post("/api/v1/contacts/user-1/devices", headers=auth,
                json={"platform": "ios", "token": APNS})
    client.delete(f"/api/v1/contacts/user-1/devices/{APNS}", headers=auth)
    moved = client.post("/api/v1/contacts/user-2/devices", headers=auth,
                        json={"platform": "ios", "token": APNS})
    assert moved.status_code == 200
    assert devices(in_db) == [("ios", "apns", APNS, True, None, bob)]
    assert in_db(lambda s: s.scalar(select(Contact.last_seen_at).where(Contact.id == bob)))


def test_unregister_by_id_or_token_is_idempotent(client, auth, seed, in_db):
    contact_id = seed(factories.contact)
    ios = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                      json={"platform": "ios", "token": APNS}).get_json()
    client.post("/api/v1/contacts/user-1/devices", headers=auth,
                json={"platform": "web", "subscription": SUBSCRIPTION})
    for _ in range(2):
        response = client.delete(f"/api/v1/contacts/user-1/devices/{ios['id']}", headers=auth)
        assert response.status_code == 204
    endpoint = SUBSCRIPTION["endpoint"]
    assert client.delete(f"/api/v1/contacts/user-1/devices/{endpoint}",
                         headers=auth).status_code == 204
    assert devices(in_db) == [
        ("ios", "apns", APNS, False, "unregistered", contact_id),
        ("web", "webpush", endpoint, False, "unregistered", contact_id),
    ]


def test_unregister_someone_elses_or_unknown_device_is_404(client, auth, seed):
    seed(factories.contact)
    seed(factories.contact, "user-2", email="bob@example.com", phone=None)
    device = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                         json={"platform": "ios", "token": APNS}).get_json()
    assert_problem(client.delete(f"/api/v1/contacts/user-2/devices/{device['id']}",
                                 headers=auth), 404)
    assert_problem(client.delete("/api/v1/contacts/user-1/devices/999999", headers=auth), 404)
    # Unicode digits ("²") are not an id.
    assert_problem(client.delete("/api/v1/contacts/user-1/devices/%C2%B2", headers=auth), 404)
    assert_problem(client.delete("/api/v1/contacts/ghost/devices/1", headers=auth), 404)
    assert_problem(client.post("/api/v1/contacts/ghost/devices", headers=auth,
                               json={"platform": "ios", "token": APNS}), 404)


def test_vapid_public_key_is_the_signing_key_and_stays(client, auth, make_key, config):
    first = client.get("/api/v1/webpush/vapid-public-key", headers=auth)
    assert first.status_code == 200, first.get_json()
    key = first.get_json()["public_key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    signer = load_vapid(config).public_key.public_numbers()
    assert raw[1:33] == signer.x.to_bytes(32, "big")  # the key pushes are signed with
    send_only = make_key(("send",))[1]
    assert client.get("/api/v1/webpush/vapid-public-key",
                      headers=send_only).get_json()["public_key"] == key
    assert_problem(client.get("/api/v1/webpush/vapid-public-key"), 401)


def test_a_browser_that_resubscribes_updates_its_keys(client, auth, seed, in_db):
    seed(factories.contact)
    first = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                        json={"platform": "web", "subscription": SUBSCRIPTION})
    renewed = {**SUBSCRIPTION, "keys": {**SUBSCRIPTION["keys"], "auth": b64(b"b" * 16)}}
    again = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                        json={"platform": "web", "subscription": renewed})
    assert (first.status_code, again.status_code) == (201, 200)
    stored = in_db(lambda s: s.scalars(select(Device.subscription)).all())
    assert stored == [{**renewed, "expirationTime": None}]


def test_a_subscription_to_an_unknown_host_is_refused(client, auth, seed, in_db):
    seed(factories.contact)
    for endpoint in ("https://10.0.0.5/push/abc", "https://metadata.google.internal/x",
                     "https://fcm.googleapis.com.evil.example/send/abc"):
        response = client.post("/api/v1/contacts/user-1/devices", headers=auth, json={
            "platform": "web", "subscription": {**SUBSCRIPTION, "endpoint": endpoint}})
        assert_problem(response, 422)
        assert response.get_json()["errors"][0]["field"] == "/subscription/endpoint"
    assert devices(in_db) == []
    allowed = client.post("/api/v1/contacts/user-1/devices", headers=auth, json={
        "platform": "web", "subscription": {
            **SUBSCRIPTION, "endpoint": "https://wns2-par02p.notify.windows.com/w/?token=x"}})
    assert allowed.status_code == 201


@pytest.mark.parametrize("template", PARSER_TRICKS + PRIVATE_ORIGIN_TRICKS)
def test_a_hostile_endpoint_is_refused_at_registration(client, auth, seed, in_db, sandbox,
                                                       template):
    seed(factories.contact)
    endpoint = hostile(template, 8080, sandbox)
    response = client.post("/api/v1/contacts/user-1/devices", headers=auth, json={
        "platform": "web", "subscription": {**SUBSCRIPTION, "endpoint": endpoint}})
    assert_problem(response, 422)
    [error] = response.get_json()["errors"]
    assert error["field"].startswith("/subscription"), error
    assert devices(in_db) == []


def test_the_sandbox_origin_is_the_one_private_endpoint_allowed(client, auth, seed, sandbox):
    seed(factories.contact)
    response = client.post("/api/v1/contacts/user-1/devices", headers=auth, json={
        "platform": "web", "subscription": {**SUBSCRIPTION,
                                            "endpoint": sandbox.tls_url + "/wp/ada"}})
    assert response.status_code == 201, response.get_json()


def test_an_android_device_without_google_services_registers_for_jpush(client, auth, seed,
                                                                        in_db):
    seed(factories.contact)
    response = client.post("/api/v1/contacts/user-1/devices", headers=auth,
                           json={"platform": "android", "provider": "jpush",
                                 "token": "1a0018970a8b9b5c7d3"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["provider"] == "jpush"
    [(platform, provider, token, *_)] = devices(in_db)
    assert (platform, provider, token) == ("android", "jpush", "1a0018970a8b9b5c7d3")


@pytest.mark.parametrize("body, field", [
    ({"platform": "ios", "provider": "jpush", "token": APNS}, "/provider"),
    ({"platform": "android", "provider": "jpush", "token": "short"}, "/token"),
    ({"platform": "android", "provider": "huawei", "token": FCM}, "/provider"),
])
def test_a_provider_that_does_not_fit_is_a_field_error(client, auth, seed, body, field):
    seed(factories.contact)
    response = client.post("/api/v1/contacts/user-1/devices", headers=auth, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
