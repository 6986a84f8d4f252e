"""Erasing a contact takes its identifiers out of the tracking data: the tracked links
(and SMS short codes) made for it from a personalised address, their cached
destinations, the addresses in the campaigns' per-link roll-ups, and who opened or
clicked its messages after it."""
import re
from urllib.parse import quote

import pytest
from sqlalchemy import select, text

from app.core.access.audit import SYSTEM
from app.core.contacts.store import erase_contact
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from app.models import Event, LinkRollup, Notification, ShortLink, TrackedLink
from tests import factories
from tests.helpers.api import send
from tests.tracking.test_links import open_path

pytestmark = pytest.mark.usefixtures("app_ctx", "tracking")

HTML = ('<p><a href="https://shop.example/welcome?email={{ contact.email | urlencode }}">'
        'Your account</a> <a href="https://shop.example/u/{{ contact.external_id }}/orders">'
        'Orders</a> <a href="https://shop.example/sale">Sale</a></p>')
SMS = "Track it: https://shop.example/t?to={{ contact.phone | urlencode }} - Shop"
TEMPLATE = {"en": {"email": {"subject": "Hello", "html": HTML}, "sms": {"text": SMS}}}


@pytest.fixture()
def people(db):
    factories.category()
    factories.template("hello", content=TEMPLATE)
    ada = factories.contact("user-ada-1")
    grace = factories.contact("user-grace-2", "grace@example.com", "+14155550101")
    return ada, grace


def tracked_paths(html: str) -> list[str]:
    return re.findall(r'href="http://herald\.test(/c/[^"]+)"', html)


def everything_stored(db, redis) -> str:
    """The tracking tables' addresses and the cached destinations, as one text."""
    rows = db.session.execute(text(
        "SELECT url FROM tracked_links UNION ALL SELECT url FROM link_rollups")).scalars()
    cached = [redis.get(key) or b"" for key in redis.scan_iter("herald:*")
              if redis.type(key) == b"string"]
    return " ".join([*rows, *(value.decode("latin-1") for value in cached)]).lower()


def test_erasure_forgets_the_links_personalised_for_the_contact(
        client, api_headers, drain, sandbox, db, redis, people, store_hits):
    ada, grace = people
    send(client, api_headers, recipients=["user-ada-1", "user-grace-2"],
         channels=["email", "sms"], template="hello")
    inline = "https://shop.example/inline?e={{ contact.email }}"
    send(client, api_headers, recipients=["user-ada-1"], channels=["email"],
         content={"email": {"subject": "Hi", "html": f'<a href="{inline}">Go</a>'}})
    drain()
    links = {}  # recipient: the tracked links of the template's mail (three and a honeypot)
    for r in sandbox.received("sendgrid"):
        for part in r["payload"]["content"]:
            found = tracked_paths(part["value"])
            if part["type"] == "text/html" and len(found) == 4:
                links[r["recipient"]] = found
    ada_links, grace_links = links["ada@example.com"], links["grace@example.com"]
    assert client.get(ada_links[0]).headers["Location"] == (
        "https://shop.example/welcome?email=ada%40example.com")
    store_hits()
    sms = {r["recipient"]: r["payload"]["Body"] for r in sandbox.received("twilio")}
    ada_code = re.search(r"/s/(\w+)", sms["+14155550100"]).group(1)
    run = 7  # the campaigns' per-link roll-ups, as retention writes them
    db.session.add_all([
        LinkRollup(campaign_run_id=run, url="https://shop.example/welcome?email=ada%40example.com",
                   clicks=2, machine_clicks=0, notifications=1, humans=1),
        LinkRollup(campaign_run_id=run, url="https://shop.example/u/USER-ADA-1/orders",
                   clicks=1, machine_clicks=0, notifications=1, humans=1),
        LinkRollup(campaign_run_id=run, url="https://shop.example/welcome?email=grace%40example.com",
                   clicks=1, machine_clicks=0, notifications=1, humans=1),
        LinkRollup(campaign_run_id=run, url="https://shop.example/welcome?email=mada%40example.com",
                   clicks=1, machine_clicks=0, notifications=1, humans=1),
        LinkRollup(campaign_run_id=run, url="https://shop.example/sale",
                   clicks=5, machine_clicks=1, notifications=4, humans=3)])
    db.session.commit()
    assert "ada@example.com" in everything_stored(db, redis)
    scopes = {url: notification is not None for url, notification in db.session.execute(
        select(TrackedLink.url, TrackedLink.notification_id))}
    # A link naming its recipient's address is the message's own; the others, the template's.
    assert scopes["https://shop.example/welcome?email=ada%40example.com"] is True
    assert scopes["https://shop.example/t?to=%2B14155550100"] is True
    assert scopes["https://shop.example/u/user-ada-1/orders"] is False
    assert scopes["https://shop.example/sale"] is False
    links_before = db.session.scalar(select(TrackedLink.id).where(
        TrackedLink.url == "https://shop.example/sale"))

    assert client.delete("/api/v1/contacts/user-ada-1", headers=api_headers).status_code == 204

    db.session.expire_all()
    stored = everything_stored(db, redis)
    for value in ("ada@example.com", quote("ada@example.com", safe=""), "user-ada-1",
                  "14155550100"):  # "mada@example.com" is someone else
        assert not re.search(rf"(?<![a-z0-9]){re.escape(value)}", stored), value
    assert "grace%40example.com" in stored and "user-grace-2" in stored
    urls = db.session.scalars(select(TrackedLink.url)).all()
    assert "https://shop.example/welcome?email=grace%40example.com" in urls
    assert "https://shop.example/t?to=%2B14155550101" in urls
    assert db.session.scalar(select(TrackedLink.id).where(
        TrackedLink.url == "https://shop.example/sale")) == links_before  # shared: kept
    rollups = dict(db.session.execute(select(LinkRollup.url, LinkRollup.clicks)).all())
    assert rollups == {
        "https://shop.example/welcome?email=erased": 2,
        "https://shop.example/u/erased/orders": 1,
        "https://shop.example/welcome?email=grace%40example.com": 1,
        "https://shop.example/welcome?email=mada%40example.com": 1,
        "https://shop.example/sale": 5}
    # Ada's personal links lead nowhere now; the shared one and Grace's still do.
    assert client.get(ada_links[0]).status_code == 404
    assert client.get(f"/s/{ada_code}").status_code == 404
    assert db.session.get(ShortLink, ada_code) is None
    assert redis.get(SHORT_KEY.format(ada_code)) is None
    assert client.get(ada_links[2]).headers["Location"] == "https://shop.example/sale"
    assert client.get(grace_links[0]).headers["Location"] == (
        "https://shop.example/welcome?email=grace%40example.com")
    grace_link = db.session.scalar(select(TrackedLink.id).where(
        TrackedLink.url == "https://shop.example/welcome?email=grace%40example.com"))
    assert redis.get(LINK_KEY.format(grace_link)) is not None
    assert db.session.scalar(select(Notification.id).where(
        Notification.contact_id == grace.id).limit(1)) is not None


def test_hits_on_an_erased_contacts_messages_keep_no_address_or_user_agent(
        client, db, config, sent_email, store_hits):
    agent = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101"}
    before = client.get(open_path(config, sent_email.id), headers=agent)  # still in Redis
    erase_contact(db.session, "user-1", actor=SYSTEM)
    db.session.commit()
    after = client.get(open_path(config, sent_email.id), headers=agent)  # an old mail opened
    assert before.status_code == after.status_code == 200
    assert store_hits() == 2
    rows = db.session.execute(select(Event.notification_id, Event.contact_id, Event.ip,
                                     Event.user_agent, Event.kind)).all()
    assert rows == [(sent_email.id, None, None, None, "opened")] * 2  # counted, no one's
