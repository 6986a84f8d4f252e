"""Settings → API keys: the token is shown once, works, and stops working when revoked."""
import re

from sqlalchemy import select

from app.core.access import api_keys
from app.extensions import db
from app.models import ApiKey, AuditLog


def create(client, name="checkout", scopes=("send",)):
    return client.post("/settings/api-keys/new", data={"name": name, "scopes": list(scopes)})


def test_empty_list_shows_an_empty_state(admin_client):
    page = admin_client.get("/settings/api-keys/").get_data(as_text=True)
    assert "No API keys yet" in page


def test_create_shows_the_token_once(admin_client, admin):
    response = create(admin_client, "checkout", ["send", "manage"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="secret-key" value="(hk_[^"]+)"',
                      response.get_data(as_text=True)).group(1)
    key = api_keys.authenticate(db.session, token)
    assert key is not None and key.name == "checkout" and key.scopes == ["send", "manage"]
    listing = admin_client.get("/settings/api-keys/").get_data(as_text=True)
    assert token not in listing and key.prefix in listing
    [entry] = db.session.scalars(select(AuditLog))
    assert (entry.action, entry.entity_id) == ("api_key.create", str(key.id))
    assert entry.after["prefix"] == key.prefix and token not in str(entry.after)


def test_invalid_form_rerenders_with_errors(admin_client):
    response = create(admin_client, name="", scopes=())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and "Pick at least one scope" in page
    assert db.session.scalar(select(ApiKey)) is None


def test_revoke_with_htmx_swaps_the_row_and_audits(admin_client):
    token = re.search(r'value="(hk_[^"]+)"', create(admin_client).get_data(as_text=True)).group(1)
    key = db.session.scalar(select(ApiKey))
    response = admin_client.post(f"/settings/api-keys/{key.id}/revoke",
                                 headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert f'id="api-key-{key.id}"' in page and ">revoked</span>" in page
    assert api_keys.authenticate(db.session, token) is None
    revoke = db.session.scalar(select(AuditLog).where(AuditLog.action == "api_key.revoke"))
    assert revoke.before["revoked_at"] is None and revoke.after["revoked_at"]


def test_revoking_twice_changes_nothing(admin_client):
    create(admin_client)
    key = db.session.scalar(select(ApiKey))
    admin_client.post(f"/settings/api-keys/{key.id}/revoke")
    admin_client.post(f"/settings/api-keys/{key.id}/revoke")
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert actions == ["api_key.create", "api_key.revoke"]


def test_a_key_can_have_its_own_rate_limit(admin_client):
    refused = admin_client.post("/settings/api-keys/new", data={
        "name": "bulk", "scopes": ["send"], "rate_limit": "as fast as it likes"})
    assert refused.status_code == 422
    assert "write it as requests/period" in refused.get_data(as_text=True)
    admin_client.post("/settings/api-keys/new", data={
        "name": "bulk", "scopes": ["send"], "rate_limit": "100/second"})
    assert db.session.scalar(select(ApiKey.rate_limit)) == "100/second"
    assert "100/second" in admin_client.get("/settings/api-keys/").get_data(as_text=True)
