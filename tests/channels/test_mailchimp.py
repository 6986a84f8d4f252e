"""Mailchimp Transactional through its SDK against the simulator: payload, answers per
recipient, error names and gateway statuses, and its place in the email failover chain."""
import pytest
from sqlalchemy import select

from app.channels.base import (
    InvalidRecipient,
    Message,
    PermanentError,
    RateLimited,
    TransientError,
)
from app.channels.email.mailchimp import MailchimpProvider
from app.channels.pool import ProviderPool
from app.core.delivery.deliver import deliver_batch
from app.models import Notification, Suppression
from tests import factories
from tests.channels.support import (
    EMAIL,
    cases,
    check_batch_fails_only_the_matched_recipient,
    check_injected_error,
    with_settings,
)


@cases("mailchimp", [
    ("Invalid_Key", PermanentError, "Invalid_Key"),
    ("ValidationError", PermanentError, "ValidationError"),
    ("PaymentRequired", PermanentError, "PaymentRequired"),
    ("GeneralError", TransientError, "GeneralError"),
    ("hard-bounce", InvalidRecipient, "hard-bounce"),
    ("spam", InvalidRecipient, "spam"),
    ("unsub", InvalidRecipient, "unsub"),
    ("invalid", InvalidRecipient, "invalid"),
    ("soft-bounce", TransientError, "soft-bounce"),
    ("custom", PermanentError, "custom"),
    ("429", RateLimited, "429"),
    ("502", TransientError, "502"),
    ("503", TransientError, "503"),
])
def test_injected_error_is_classified(provider, kind, error_class, code, sandbox):
    check_injected_error(provider, kind, error_class, code, sandbox, retry_after=None)


@pytest.mark.parametrize("provider", ["mailchimp"], indirect=True)
def test_a_batch_keeps_its_order_and_fails_only_the_matched_recipient(provider, sandbox):
    check_batch_fails_only_the_matched_recipient(provider, sandbox, fault="hard-bounce")


@pytest.mark.parametrize("provider", ["mailchimp"], indirect=True)
def test_the_message_carries_our_id_headers_and_both_bodies(provider, sandbox):
    content = {**EMAIL, "from_email": "Acme <news@acme.example>",
               "reply_to": "help@acme.example",
               "headers": {"List-Unsubscribe": "<https://herald.test/u/x>"}}
    message = Message("n-1", "email", "ada@example.com", content, category="orders")
    [result] = provider.send_batch([message])
    assert result.ok and len(result.provider_message_id) == 32
    [received] = sandbox.received("mailchimp")
    sent = received["payload"]
    assert sent["to"] == [{"email": "ada@example.com", "type": "to"}]
    assert (sent["from_email"], sent["from_name"]) == ("news@acme.example", "Acme")
    assert (sent["subject"], sent["text"], sent["html"]) == ("Hi", "Hello", "<p>Hello</p>")
    assert sent["metadata"] == {"herald_id": "n-1"} and sent["tags"] == ["orders"]
    assert sent["headers"] == {"List-Unsubscribe": "<https://herald.test/u/x>",
                               "Reply-To": "help@acme.example"}
    assert "key" not in sent


def test_a_wrong_key_is_a_permanent_error(config, sandbox):
    provider = MailchimpProvider(with_settings(config, MAILCHIMP_API_KEY=" "))
    [result] = provider.send_batch([Message("n-1", "email", "ada@example.com", EMAIL)])
    assert isinstance(result.error, PermanentError) and result.error.code == "Invalid_Key"
    assert sandbox.received("mailchimp") == []


def test_an_unreachable_service_is_transient(config, sandbox):
    provider = MailchimpProvider(with_settings(config, MAILCHIMP_URL="http://127.0.0.1:9"))
    [result] = provider.send_batch([Message("n-1", "email", "ada@example.com", EMAIL)])
    assert isinstance(result.error, TransientError)
    assert result.error.code == "connection_error"


@pytest.mark.usefixtures("app_ctx")
def test_mailchimp_takes_the_email_when_sendgrid_and_smtp_fail(db, redis, config, sandbox):
    factories.category()
    contact = factories.contact()
    row = factories.notification(contact, channel="email", status="queued", content=EMAIL,
                                 address="ada@example.com")
    sandbox.fail("sendgrid", "503")
    sandbox.fail("smtp", "451")
    pool = ProviderPool(config)
    try:
        deliver_batch(db.session, redis, config, pool, "email", [str(row.id)])
    finally:
        pool.close()
    db.session.expire_all()
    sent = db.session.get(Notification, row.id)
    assert (sent.status, sent.provider) == ("sent", "mailchimp")
    assert len(sandbox.received("mailchimp")) == 1


@pytest.mark.usefixtures("app_ctx")
def test_a_hard_bounce_suppresses_the_address(db, redis, config, sandbox, monkeypatch):
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", ("mailchimp",))
    factories.category()
    contact = factories.contact()
    row = factories.notification(contact, channel="email", status="queued", content=EMAIL,
                                 address="ada@example.com")
    sandbox.fail("mailchimp", "hard-bounce")
    pool = ProviderPool(config)
    try:
        deliver_batch(db.session, redis, config, pool, "email", [str(row.id)])
    finally:
        pool.close()
    db.session.expire_all()
    failed = db.session.get(Notification, row.id)
    assert (failed.status, failed.provider, failed.error_code) == ("failed", "mailchimp",
                                                                   "hard-bounce")
    suppression = db.session.scalar(select(Suppression))
    assert (suppression.address, suppression.reason) == ("ada@example.com", "hard_bounce")


# Webhooks ------------------------------------------------------------------------------

WEBHOOK_KEY = "mandrill-webhook-key"


def post_events(client, config, events, key: str = WEBHOOK_KEY):
    import json

    from app.channels.email.mailchimp_events import signature

    form = {"mandrill_events": json.dumps(events)}
    url = f"{config.BASE_URL}/hooks/mailchimp"
    return client.post("/hooks/mailchimp", data=form,
                       headers={"X-Mandrill-Signature": signature(key, url, form)})


@pytest.mark.usefixtures("app_ctx")
def test_a_signed_hard_bounce_fails_the_email_and_suppresses_the_address(
        db, client, config, monkeypatch):
    import time

    monkeypatch.setattr(config, "MAILCHIMP_WEBHOOK_KEY", WEBHOOK_KEY)
    factories.category()
    contact = factories.contact()
    row = factories.notification(contact, channel="email", status="sent", provider="mailchimp",
                                 provider_message_id="abc123", address="ada@example.com")
    event = {"event": "hard_bounce", "_id": "abc123", "ts": int(time.time()),
             "msg": {"email": "ada@example.com", "metadata": {"herald_id": str(row.id)},
                     "bounce_description": "bad_mailbox"}}
    response = post_events(client, config, [event, {"event": "nonsense"}])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["refused"] == 1 and response.get_json()["matched"] == 1
    db.session.expire_all()
    bounced = db.session.get(Notification, row.id)
    assert (bounced.status, bounced.error_code) == ("failed", "bad_mailbox")
    assert db.session.scalar(select(Suppression.reason)) == "hard_bounce"
    again = post_events(client, config, [event])  # the same event once more: applied once
    assert again.get_json()["duplicates"] == 1


@pytest.mark.usefixtures("app_ctx")
def test_a_webhook_with_a_bad_signature_or_no_key_is_refused(client, config, monkeypatch):
    assert post_events(client, config, []).status_code == 403  # no key configured
    monkeypatch.setattr(config, "MAILCHIMP_WEBHOOK_KEY", WEBHOOK_KEY)
    assert post_events(client, config, [], key="another-key").status_code == 403
    assert post_events(client, config, []).status_code == 200
