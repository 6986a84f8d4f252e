"""A real send through the simulators carries tracked links; following them records events."""
import re
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from sqlalchemy import select, update

from app.models import Event, Notification, ShortLink, TrackedLink
from app.models.types import utcnow
from tests import factories
from tests.helpers.api import send

pytestmark = pytest.mark.usefixtures("app_ctx", "tracking")

HTML = ('<p>Hi. <a href="https://shop.example/new?a=1&amp;b=2">New in</a> '
        '<a href="https://shop.example/sale">Sale</a> '
        '<a href="https://shop.example/sale">Sale again</a></p>'
        '<p><a href="https://shop.example/account/unsubscribe?u=1">Leave</a> '
        '<a href="https://shop.example/settings">Manage preferences</a> '
        '<a href="http://herald.test/p/abc">Your choices</a> '
        '<a href="mailto:help@shop.example">Write</a></p>')
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture()
def ada(db):
    factories.category()
    return factories.contact()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def path(url: str) -> str:
    return urlsplit(url).path


def events(db, **where) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).filter_by(**where).order_by(Event.id)))


def check_tracked_mail(client, db, html: str, text: str, nid: str, store_hits):
    tracked = [h for h in hrefs(html) if h.startswith("http://herald.test/c/")]
    assert len(tracked) == 4  # three links (one twice) and the hidden honeypot
    assert hrefs(html)[3:7] == ["https://shop.example/account/unsubscribe?u=1",
                               "https://shop.example/settings", "http://herald.test/p/abc",
                               "mailto:help@shop.example"]
    assert tracked[1] == tracked[2]  # identical links share a stored link
    assert 'style="display:none"' in html and 'herald.test/o/' in html
    assert "shop.example/new" not in text and "shop.example/sale" not in text
    assert "https://shop.example/account/unsubscribe?u=1" in text
    stored = db.session.get(Notification, UUID(nid)).content
    assert stored["html"] == HTML  # the log keeps the original links
    new_in = client.get(path(tracked[0]), headers={"User-Agent": FIREFOX})
    assert new_in.status_code == 302
    assert new_in.headers["Location"] == "https://shop.example/new?a=1&b=2"
    [pixel] = re.findall(r'src="http://herald.test(/o/[^"]+\.gif)"', html)
    assert client.get(pixel, headers={"User-Agent": FIREFOX}).mimetype == "image/gif"
    text_link = re.search(r"http://herald\.test(/c/\S+?)\)", text).group(1)
    assert client.get(text_link).headers["Location"] == "https://shop.example/new?a=1&b=2"
    assert events(db) == []  # nothing stored until the events worker drains
    assert store_hits() == 3
    clicked, opened, from_text = events(db)
    assert (opened.kind, opened.machine, opened.reason) == ("opened", False, None)
    assert (clicked.kind, clicked.url, clicked.machine) == (
        "clicked", "https://shop.example/new?a=1&b=2", False)
    assert clicked.notification_id == UUID(nid) and clicked.user_agent == FIREFOX
    assert clicked.contact_id == opened.contact_id is not None
    assert (clicked.channel, opened.channel, clicked.campaign_run_id) == ("email", "email", None)
    assert clicked.provider == opened.provider is not None  # copied from the notification
    assert from_text.link_id == clicked.link_id


def test_sendgrid_mail_is_tracked(client, api_headers, drain, sandbox, db, ada, store_hits):
    [sent] = send(client, api_headers, channels=["email"],
                  content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("sendgrid")
    parts = {c["type"]: c["value"] for c in received["payload"]["content"]}
    check_tracked_mail(client, db, parts["text/html"], parts["text/plain"], sent["id"],
                       store_hits)


def test_tracked_mail_to_many_is_one_sendgrid_request_with_each_ones_tokens(
        client, api_headers, drain, sandbox, db, ada, store_hits):
    factories.contact("user-2", "grace@example.com", "+14155550101")
    sent = send(client, api_headers, recipients=["user-1", "user-2"], channels=["email"],
                content={"email": {"subject": "New in", "html": HTML}})
    drain()
    received = sandbox.received("sendgrid")
    assert len({r["message_id"] for r in received}) == 1  # one request for both
    assert all(r["payload"]["personalizations"][0]["substitutions"] for r in received)
    html = {r["recipient"]: {c["type"]: c["value"] for c in r["payload"]["content"]}
            for r in received}
    ada_html, grace_html = html["ada@example.com"], html["grace@example.com"]
    assert "%herald_" not in str(html)  # every tag made, in both parts
    assert ada_html != grace_html
    first = {who: path(hrefs(parts["text/html"])[0]) for who, parts in html.items()}
    for who in first:
        assert client.get(first[who]).headers["Location"] == "https://shop.example/new?a=1&b=2"
    assert store_hits() == 2
    by_email = {n.address: str(n.id) for n in db.session.scalars(select(Notification))}
    assert {str(e.notification_id) for e in events(db)} == set(by_email.values())
    assert sorted(n["id"] for n in sent) == sorted(by_email.values())


def test_smtp_mail_is_tracked(client, api_headers, drain, sandbox, config, db, ada, store_hits,
                              monkeypatch):
    monkeypatch.setattr(config, "EMAIL_PROVIDERS", "smtp")
    [sent] = send(client, api_headers, channels=["email"],
                  content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("smtp")
    payload = received["payload"]
    check_tracked_mail(client, db, payload["html"], payload["text"], sent["id"], store_hits)


def test_sms_links_are_short_codes(client, api_headers, drain, sandbox, db, ada, store_hits):
    text = "Your order shipped: https://shop.example/track?o=1. Stop: https://shop.example/optout"
    [sent] = send(client, api_headers, channels=["sms"], content={"sms": {"text": text}})
    drain()
    [received] = sandbox.received("twilio")
    body = received["payload"]["Body"]
    [code] = re.findall(r"http://herald\.test/s/([0-9A-Za-z]{8})\. Stop", body)
    assert body.endswith("Stop: https://shop.example/optout")
    short = db.session.get(ShortLink, code)
    assert str(short.notification_id) == sent["id"]
    assert db.session.get(TrackedLink, short.link_id).url == "https://shop.example/track?o=1"
    response = client.get(f"/s/{code}", headers={"User-Agent": FIREFOX})
    assert (response.status_code, response.headers["Location"]) == (
        302, "https://shop.example/track?o=1")
    assert client.get("/s/" + code[::-1]).status_code == 404
    assert client.get("/s/short").status_code == 404
    store_hits()
    [clicked] = events(db)
    assert (clicked.kind, str(clicked.notification_id), clicked.machine) == (
        "clicked", sent["id"], False)
    assert clicked.url == "https://shop.example/track?o=1"


def test_push_deep_links_are_tracked(client, api_headers, drain, sandbox, db, ada, store_hits):
    factories.device(ada, "android", "fcm-token-ada")
    [sent] = send(client, api_headers, channels=["push"], content={"push": {
        "title": "Sale", "body": "Now on", "deep_link": "https://shop.example/sale"}})
    drain()
    [received] = sandbox.received("fcm")
    link = received["payload"]["message"]["data"]["deep_link"]
    assert link.startswith("http://herald.test/c/")
    assert client.get(path(link)).headers["Location"] == "https://shop.example/sale"
    store_hits()
    [clicked] = events(db)
    assert str(clicked.notification_id) == sent["id"] and clicked.kind == "clicked"


def test_tracking_can_be_turned_off(client, api_headers, drain, sandbox, config, ada,
                                    monkeypatch):
    monkeypatch.setattr(config, "TRACK_OPENS", False)
    monkeypatch.setattr(config, "TRACK_CLICKS", False)
    send(client, api_headers, channels=["email"],
         content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("sendgrid")
    parts = {c["type"]: c["value"] for c in received["payload"]["content"]}
    assert parts["text/html"] == HTML


def test_opens_only(client, api_headers, drain, sandbox, config, ada, monkeypatch):
    monkeypatch.setattr(config, "TRACK_CLICKS", False)
    send(client, api_headers, channels=["email"],
         content={"email": {"subject": "New in", "html": HTML}})
    drain()
    [received] = sandbox.received("sendgrid")
    html = {c["type"]: c["value"] for c in received["payload"]["content"]}["text/html"]
    assert "/c/" not in html and "/o/" in html and html.startswith(HTML)


def test_a_template_link_is_stamped_used_again_once_a_day(client, api_headers, drain, db, ada):
    factories.template("promo", content={"en": {"email": {
        "subject": "Sale", "html": '<a href="https://shop.example/sale">Sale</a>'}}})

    def send_and_read():
        send(client, api_headers, channels=["email"], template="promo")
        drain()
        db.session.expire_all()
        return db.session.scalars(select(TrackedLink.used_at)).all()

    [first] = send_and_read()
    assert abs(first - utcnow()) < timedelta(minutes=1)
    for ago, stamped_again in ((timedelta(hours=20), False), (timedelta(days=2), True)):
        before = utcnow() - ago
        db.session.execute(update(TrackedLink).values(used_at=before))
        db.session.commit()
        [used] = send_and_read()  # the same link: one row
        assert (used > before) is stamped_again
