"""A send whose content goes over the render budget is a quick 422 naming the field."""
import time

import pytest
from sqlalchemy import func, select

from app.models import Notification
from tests import factories
from tests.helpers.api import assert_problem

# A request renders within its budget; the rest is the request itself on a busy machine.
REQUEST_SLACK = 2.0  # a loaded CI machine; a hang would take minutes
NESTED = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"


def send(client, auth, content, recipients=("user-1",), **extra):
    body = {"recipients": list(recipients), "category": "orders", "content": content, **extra}
    started = time.monotonic()
    response = client.post("/api/v1/notifications", headers=auth, json=body)
    return response, time.monotonic() - started


def fields(response) -> list[str]:
    return [e["field"] for e in assert_problem(response, 422)["errors"]]


def notifications(in_db) -> int:
    return in_db(lambda s: s.scalar(select(func.count()).select_from(Notification)))


@pytest.mark.parametrize(("content", "field"), [
    ({"sms": {"text": "{{ range(10**9)|list }}"}}, "/content/sms/text"),
    ({"sms": {"text": "Hi" + NESTED}}, "/content/sms/text"),
    ({"sms": {"text": "{{ 'x' * n }}"}}, "/content/sms/text"),
    ({"sms": {"text": "{{ '%0999999d' % 1 }}"}}, "/content/sms/text"),
    ({"push": {"title": "{{ lipsum(2000) }}"}}, "/content/push/title"),
    ({"push": {"body": "ok", "data": {"code": "{{ 'x'.ljust(10**8) }}"}}},
     "/content/push/data/code"),
    ({"email": {"subject": "Hi", "html": "<p>{{ 'x' * 600000 }}</p>"}}, "/content/email/html"),
    ({"email": {"subject": "Hi", "html": "<p>" + "é" * 300_000 + "</p>"}}, "/content/email/html"),
    ({"email": {"subject": "{{ s * 10**6 }}", "text": "Hi"}}, "/content/email/subject"),
], ids=lambda v: str(v)[:50])
def test_over_budget_content_is_a_quick_422_naming_the_field(client, auth, ada, in_db,
                                                             config, content, field):
    channels = list(content)
    if "push" in channels:
        client.post("/api/v1/contacts/user-1/devices", headers=auth,
                    json={"platform": "android", "token": "f" * 40})
    response, seconds = send(client, auth, content, channels=channels,
                             data={"n": 10**6, "s": "ab"})
    assert field in fields(response)
    assert seconds <= config.RENDER_TIMEOUT_MS / 1000 + REQUEST_SLACK
    assert notifications(in_db) == 0


def test_many_recipients_spend_one_budget_not_one_each(client, auth, seed, in_db, config):
    seed(factories.category, "orders")
    recipients = [f"user-{n}" for n in range(20)]
    for n, external_id in enumerate(recipients):
        seed(factories.contact, external_id, email=f"u{n}@example.com", phone=f"+1415555{n:04}")
    response, seconds = send(client, auth, {"sms": {"text": NESTED}}, recipients, channels=["sms"])
    assert fields(response) == ["/content/sms/text"]
    assert seconds <= config.RENDER_TIMEOUT_MS / 1000 + REQUEST_SLACK
    assert notifications(in_db) == 0


def test_a_published_template_over_budget_names_its_field(client, auth, seed, in_db):
    seed(factories.category, "orders")
    seed(factories.contact)
    seed(factories.template, "hostile", content={"en": {"sms": {"text": "{{ range(10**9) }}"}}})
    response = client.post("/api/v1/notifications", headers=auth, json={
        "recipients": ["user-1"], "category": "orders", "template": "hostile",
        "channels": ["sms"]})
    assert fields(response) == ["/template/sms/text"]
    assert "range of more than 100,000 numbers" in response.get_json()["errors"][0]["message"]
