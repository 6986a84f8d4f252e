"""What recipients choose stops the very next send: the preferences page's switches and
one-click unsubscribe, through the API, the queue, the worker and the simulators; and
marketing email carries the list headers the providers pass on."""
import re
from uuid import UUID

import pytest
from sqlalchemy import select

from app.core.recipients.links import preferences_url, read_unsubscribe_token
from app.models import AuditLog, Notification, Preference
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx")

CONTENT = {"email": {"subject": "New in", "text": "New arrivals"},
           "sms": {"text": "New arrivals"}, "push": {"title": "New", "body": "New arrivals"}}
RECEIVED_ON = {"email": "sendgrid", "sms": "twilio", "push": "fcm"}


@pytest.fixture()
def ada(db):
    factories.category("orders")
    factories.category("news", marketing=True).name = "News & offers"
    contact = factories.contact()
    factories.device(contact, "android", "fcm-token-ada")
    return contact


def send_news(client, api_headers, channel: str, category: str = "news") -> str:
    [sent] = send(client, api_headers, channels=[channel], category=category,
                  content={channel: CONTENT[channel]})
    return sent["id"]


def row(db, notification_id: str) -> Notification:
    return db.session.get(Notification, UUID(notification_id))


def local(url: str, config) -> str:
    return url.removeprefix(config.BASE_URL)


@pytest.mark.parametrize("channel", ["email", "sms", "push"])
def test_switch_off_stops_the_next_send(client, api_headers, drain, sandbox, db, config, ada,
                                         channel):
    send_news(client, api_headers, channel)
    drain()
    assert len(sandbox.received(RECEIVED_ON[channel])) == 1
    waiting = send_news(client, api_headers, channel)  # queued before the change
    page = local(preferences_url(config, ada.id), config)
    others = {"news:sms", "news:email", "news:push", "orders:sms", "orders:email",
              "orders:push"} - {f"news:{channel}"}
    assert client.post(page, data={"on": sorted(others)}).status_code == 303
    assert db.session.execute(select(Preference.channel, Preference.opted_in,
                                     Preference.source)).all() == [
        (channel, False, "recipient")]
    drain()
    assert (row(db, waiting).status, row(db, waiting).reason) == ("suppressed", "opted_out")
    later = send_news(client, api_headers, channel)
    drain()
    assert (row(db, later).status, row(db, later).reason) == ("suppressed", "opted_out")
    assert len(sandbox.received(RECEIVED_ON[channel])) == 1  # nothing more went out
    send_news(client, api_headers, channel, category="orders")
    drain()
    assert len(sandbox.received(RECEIVED_ON[channel])) == 2  # other categories still do


def list_unsubscribe_link(headers: dict) -> str:
    return re.match(r"<(https?://[^>]+)>", headers["List-Unsubscribe"]).group(1)


def test_marketing_email_carries_list_headers_at_sendgrid(client, api_headers, drain, sandbox,
                                                          config, ada):
    send_news(client, api_headers, "email")
    send_news(client, api_headers, "email", category="orders")
    drain()
    news, orders = sorted(sandbox.received("sendgrid"),
                          key=lambda r: r["payload"]["categories"] != ["news"])
    headers = news["payload"]["personalizations"][0]["headers"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"] == '"News & offers" <news.example.com>'
    link = list_unsubscribe_link(headers)
    assert link.startswith(f"{config.BASE_URL}/u/")
    token = link.rpartition("/")[2]
    assert read_unsubscribe_token(config, token).category == "news"
    assert f"<mailto:unsubscribe@example.com?subject=unsubscribe%20{token}>" in \
        headers["List-Unsubscribe"]
    assert "headers" not in orders["payload"]["personalizations"][0]  # transactional


def test_marketing_email_carries_list_headers_at_smtp(client, api_headers, drain, sandbox,
                                                      config, ada, monkeypatch):
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", "smtp")
    monkeypatch.setattr(config, "UNSUBSCRIBE_MAILTO", "leave@shop.example")
    send_news(client, api_headers, "email")
    send_news(client, api_headers, "email", category="orders")
    drain()
    by_subject = {r["payload"]["headers"]["X-Herald-Id"]: r["payload"]["headers"]
                  for r in sandbox.received("smtp")}
    news = next(h for h in by_subject.values() if "List-Id" in h)
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert news["List-Id"] == '"News & offers" <news.example.com>'
    assert list_unsubscribe_link(news).startswith(f"{config.BASE_URL}/u/")
    assert "<mailto:leave@shop.example?subject=unsubscribe%20" in news["List-Unsubscribe"]
    [orders] = [h for h in by_subject.values() if "List-Id" not in h]
    assert not {"List-Unsubscribe", "List-Unsubscribe-Post"} & set(orders)


def one_click_path(sandbox, config) -> str:
    [received] = sandbox.received("sendgrid")
    headers = received["payload"]["personalizations"][0]["headers"]
    return local(list_unsubscribe_link(headers), config)


def test_one_click_post_stops_the_next_send(client, api_headers, drain, sandbox, db, config,
                                            ada):
    send_news(client, api_headers, "email")
    drain()
    link = one_click_path(sandbox, config)
    # As a mail provider sends it (RFC 8058): no cookie, no CSRF token.
    response = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    assert db.session.execute(select(Preference.channel, Preference.opted_in,
                                     Preference.source)).all() == [
        ("email", False, "recipient")]
    assert db.session.scalar(select(AuditLog.after).where(
        AuditLog.actor_kind == "recipient")) == {"news.email": False}
    later = send_news(client, api_headers, "email")
    sms = send_news(client, api_headers, "sms")
    drain()
    assert (row(db, later).status, row(db, later).reason) == ("suppressed", "opted_out")
    assert row(db, sms).status == "sent"  # one-click leaves the email of one category
    assert len(sandbox.received("sendgrid")) == 1
    assert client.post(link).status_code == 200  # again: nothing more to do
    assert db.session.query(AuditLog).filter_by(actor_kind="recipient").count() == 1


def test_one_click_get_only_asks(client, api_headers, drain, sandbox, db, config, ada):
    send_news(client, api_headers, "email")
    drain()
    link = one_click_path(sandbox, config)
    for method in (client.get, client.head):
        assert method(link).status_code == 200
    page = client.get(link).get_data(as_text=True)
    assert "Unsubscribe from “News &amp; offers” emails?" in page
    assert '<form method="post">' in page
    assert db.session.scalar(select(Preference)) is None
    again = send_news(client, api_headers, "email")
    drain()
    assert row(db, again).status == "sent"
    assert len(sandbox.received("sendgrid")) == 2


def test_one_click_with_a_forged_token_is_404(client, api_headers, drain, sandbox, db, config,
                                              ada):
    send_news(client, api_headers, "email")
    drain()
    link = one_click_path(sandbox, config)
    for forged in (link[:-3] + "abc", link.replace("/u/", "/u/x"), "/u/" + "A" * 40):
        assert client.get(forged).status_code == 404
        assert client.post(forged).status_code == 404
    preferences = local(preferences_url(config, ada.id), config)
    assert client.post("/u/" + preferences.rpartition("/")[2]).status_code == 404
    assert db.session.scalar(select(Preference)) is None
