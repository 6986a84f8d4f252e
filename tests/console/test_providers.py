"""Settings → Providers: settings stored sealed and masked, the environment wins, changes
are audited and reach the workers, a test send goes through one provider only."""
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from app.core.providers import accounts
from app.core.providers.sealing import open_sealed
from app.extensions import db
from app.models import AuditLog, ProviderAccount
from tests.channels.support import with_settings

TOKEN = "a-real-auth-token-9f3c"


def save(client, provider="twilio", **values):
    return client.post(f"/settings/providers/{provider}", data=values)


def test_a_stored_secret_is_sealed_masked_and_audited(admin_client, admin, config):
    response = save(admin_client, TWILIO_AUTH_TOKEN=TOKEN, TWILIO_FROM="+15005550009")
    assert response.status_code == 302
    row = db.session.get(ProviderAccount, "twilio")
    assert TOKEN not in row.sealed and "+15005550009" not in row.sealed
    assert open_sealed(config, row.sealed) == {"TWILIO_AUTH_TOKEN": TOKEN,
                                               "TWILIO_FROM": "+15005550009"}
    page = admin_client.get("/settings/providers/twilio").get_data(as_text=True)
    assert TOKEN not in page and "••••••••9f3c" in page and "+15005550009" in page
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "provider.settings"))
    assert (entry.entity_id, entry.operator_email) == ("twilio", admin.email)
    assert entry.after == {"TWILIO_AUTH_TOKEN": "••••••••9f3c", "TWILIO_FROM": "+15005550009"}
    assert TOKEN not in str(entry.before) + str(entry.after)


def test_an_empty_secret_keeps_the_stored_one(admin_client, config):
    save(admin_client, TWILIO_AUTH_TOKEN=TOKEN)
    save(admin_client, TWILIO_AUTH_TOKEN="", TWILIO_FROM="+15005550009")
    stored = open_sealed(config, db.session.get(ProviderAccount, "twilio").sealed)
    assert stored["TWILIO_AUTH_TOKEN"] == TOKEN


def test_a_bad_value_re_renders_the_form_with_a_field_message(admin_client):
    response = save(admin_client, "smtp", SMTP_PORT="seventy", SMTP_TLS="sometimes")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="SMTP_PORT-error"' in page and 'id="SMTP_TLS-error"' in page
    assert db.session.get(ProviderAccount, "smtp") is None


def test_the_environment_wins_and_the_page_says_so(admin_client, monkeypatch, config):
    monkeypatch.setenv("HERALD_TWILIO_FROM", "+15005550006")
    page = admin_client.get("/settings/providers/twilio").get_data(as_text=True)
    assert "HERALD_TWILIO_FROM" in page and "which wins" in page
    response = save(admin_client, TWILIO_FROM="+15005550001")
    assert response.status_code == 422
    assert "in the environment" in response.get_data(as_text=True)
    # A value stored before the variable was set is not used while it is set.
    db.session.add(ProviderAccount(provider="twilio", sealed=accounts.seal(
        config, {"TWILIO_FROM": "+15005550001"})))
    db.session.commit()
    stored = accounts.stored_values(db.session, config)
    assert accounts.overlay(config, stored).TWILIO_FROM == config.TWILIO_FROM


def test_forgetting_stored_settings_restores_the_defaults(admin_client, config):
    save(admin_client, TWILIO_FROM="+15005550009")
    assert admin_client.post("/settings/providers/twilio/forget").status_code == 302
    assert db.session.get(ProviderAccount, "twilio") is None
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["provider.settings", "provider.forget"]


def test_an_unknown_provider_is_a_404_and_viewers_are_refused(admin_client, viewer_client):
    assert admin_client.get("/settings/providers/nope").status_code == 404
    assert viewer_client.get("/settings/providers/twilio").status_code == 403
    assert save(viewer_client, TWILIO_FROM="+15005550009").status_code == 403


def test_send_test_goes_through_that_provider_only(admin_client, sandbox):
    response = admin_client.post("/settings/providers/vonage/test", data={"to": "+14155550123"})
    assert response.status_code == 200
    assert "accepted the test message" in response.get_data(as_text=True)
    [received] = sandbox.received("vonage")
    assert received["recipient"] == "+14155550123"
    assert sandbox.received("twilio") == []
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "provider.test_send"))
    assert entry.after["ok"] is True and "+14155550123" not in str(entry.after)


def test_send_test_shows_the_providers_refusal(admin_client, sandbox):
    sandbox.fail("mailchimp", "Invalid_Key")
    response = admin_client.post("/settings/providers/mailchimp/test",
                                 data={"to": "ops@example.com"})
    page = response.get_data(as_text=True)
    assert "refused the test message" in page and "Invalid_Key" in page


@pytest.mark.parametrize("provider, to", [("twilio", "0415 555"), ("sendgrid", "not-an-address"),
                                          ("fcm", "two words"), ("twilio", "")])
def test_a_bad_test_recipient_is_a_field_error(admin_client, sandbox, provider, to):
    response = admin_client.post(f"/settings/providers/{provider}/test", data={"to": to})
    assert response.status_code == 422
    assert 'id="to-error"' in response.get_data(as_text=True)
    assert sandbox.received(provider) == []


def test_rotate_keys_seals_every_row_with_the_new_key(app, db, config):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = with_settings(config, ENCRYPTION_KEY=old)
    db.session.add(ProviderAccount(provider="twilio", sealed=accounts.seal(
        before, {"TWILIO_AUTH_TOKEN": TOKEN})))
    db.session.commit()
    app.extensions["herald_config"] = with_settings(config, ENCRYPTION_KEY=f"{new},{old}")
    try:
        result = app.test_cli_runner().invoke(args=["herald", "rotate-keys"])
    finally:
        app.extensions["herald_config"] = config
    assert result.exit_code == 0 and "1 provider setting row sealed" in result.output
    db.session.expire_all()
    sealed = db.session.get(ProviderAccount, "twilio").sealed
    assert open_sealed(with_settings(config, ENCRYPTION_KEY=new), sealed) == {
        "TWILIO_AUTH_TOKEN": TOKEN}
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", sealed)
