"""Workers count every outcome per channel and provider: per minute for the Queues page and
alerts, in total for /metrics."""
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.core.ops import throughput
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")


def samples(text: str) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture()
def ada(db):
    factories.category()
    return factories.contact()


def test_sends_errors_and_dead_are_counted_per_provider(client, api_headers, drain, sandbox,
                                                        config, redis, ada, monkeypatch):
    monkeypatch.setattr(config, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(config, "SMS_PROVIDERS", "twilio")
    send(client, api_headers, channels=["email"], content={"email": {
        "subject": "Hi", "text": "Hello"}})
    sandbox.fail("twilio", "503", times=1)
    send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()

    minute = throughput.last_hour(redis)
    assert minute.total(("email", "sendgrid"), "sent") == 1
    assert minute.total(("sms", "twilio"), "error") == 1
    assert minute.total(("sms", "twilio"), "dead") == 1
    assert minute.by_channel()["sms"]["error"][-1] == 1
    assert throughput.last_hour(redis, utcnow() + timedelta(hours=2)).counts == {}

    found = samples(client.get("/metrics").get_data(as_text=True))
    labels = (("channel", "email"), ("provider", "sendgrid"))
    assert found[("herald_sends_total", labels)] == 1
    sms = (("channel", "sms"), ("provider", "twilio"))
    assert found[("herald_send_errors_total", sms)] == 1
    assert found[("herald_notifications_died_total", sms)] == 1
    assert ("herald_sends_total", sms) not in found


def test_a_send_that_fails_over_counts_against_the_provider_that_failed(
        client, api_headers, drain, sandbox, redis, ada):
    sandbox.fail("twilio", "503", times=1)  # the chain is twilio, then vonage
    send(client, api_headers, channels=["sms"], content={"sms": {"text": "Hi"}})
    drain()
    minute = throughput.last_hour(redis)
    assert minute.total(("sms", "twilio"), "error") == 1
    assert minute.total(("sms", "twilio"), "sent") == 0
    assert minute.total(("sms", "vonage"), "sent") == 1
