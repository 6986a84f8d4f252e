"""Provider settings stored in the console reach running workers at their next batch."""
import pytest

from app.core.access.audit import SYSTEM
from app.core.providers import accounts
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")
SMS = {"sms": {"text": "Hi"}}


def test_a_stored_sender_is_used_from_the_next_batch_on(client, api_headers, drain, sandbox,
                                                        db, redis, config):
    factories.category()
    factories.contact()
    send(client, api_headers, channels=["sms"], content=SMS)
    drain()  # the worker starts with the environment's sender
    accounts.save(db.session, config, "twilio", {"TWILIO_FROM": "+15005550009"}, SYSTEM)
    db.session.commit()
    accounts.announce(redis)
    send(client, api_headers, channels=["sms"], content=SMS)
    drain()
    accounts.forget(db.session, config, "twilio", SYSTEM)
    db.session.commit()
    accounts.announce(redis)
    send(client, api_headers, channels=["sms"], content=SMS)
    drain()
    senders = [e["payload"]["From"] for e in sandbox.received("twilio")]
    assert senders == ["+15005550006", "+15005550009", "+15005550006"]


def test_a_stored_webhook_secret_is_what_the_hook_checks(client, db, redis, config):
    from twilio.request_validator import RequestValidator

    accounts.save(db.session, config, "twilio", {"TWILIO_AUTH_TOKEN": "stored-token-1234"},
                  SYSTEM)
    db.session.commit()
    accounts.announce(redis)
    url = f"{config.BASE_URL}/hooks/twilio"
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}
    for token, expected in (("sandbox-token", 403), ("stored-token-1234", 204)):
        signature = RequestValidator(token).compute_signature(url, form)
        response = client.post("/hooks/twilio", data=form,
                               headers={"X-Twilio-Signature": signature})
        assert response.status_code == expected, response.get_data(as_text=True)
