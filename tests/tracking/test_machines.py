"""Every hit is kept; a machine's (proxy, scanner, prefetch, HEAD, too fast) says why."""
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.tracking import tokens
from app.core.tracking.hits import HITS
from app.core.tracking.outgoing import LINK_KEY
from app.models import Event, TrackedLink
from app.models.types import utcnow

pytestmark = pytest.mark.usefixtures("tracking")

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko)")
GMAIL = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
BARRACUDA = "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))"


@pytest.fixture()
def links(db, sent_email, redis):
    rows = [TrackedLink(scope=f"n{sent_email.id.hex}", notification_id=sent_email.id,
                        url=f"https://shop.example/{n}", url_hash=str(n)) for n in range(3)]
    db.session.add_all(rows)
    db.session.commit()
    for row in rows:
        redis.set(LINK_KEY.format(row.id), row.url)
    return rows


def open_hit(client, config, row, ip="198.51.100.7", method="GET", **headers):
    path = f"/o/{tokens.open_token(config, str(row.id))}.gif"
    response = client.open(path, method=method, headers=headers,
                           environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 200


def click_hit(client, config, row, link, links=3, ip="198.51.100.7", **headers):
    path = f"/c/{tokens.click_token(config, link.id, str(row.id), links)}"
    response = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code == 302


def stored(db, store_hits) -> list[tuple]:
    store_hits()
    return [(e.kind, e.machine, e.reason) for e in
            db.session.scalars(select(Event).order_by(Event.id))]


CASES = {
    "a person": ({"User-Agent": FIREFOX}, {}, (False, None)),
    "HEAD": ({"User-Agent": FIREFOX}, {"method": "HEAD"}, (True, "head")),
    "Sec-Purpose prefetch": ({"User-Agent": FIREFOX, "Sec-Purpose": "prefetch;prerender"}, {},
                             (True, "prefetch")),
    "Purpose prefetch": ({"User-Agent": FIREFOX, "Purpose": "prefetch"}, {},
                         (True, "prefetch")),
    "Apple MPP agent": ({"User-Agent": "Mozilla/5.0"}, {"ip": "104.28.40.2"},
                        (True, "apple_mpp")),
    "Apple MPP network": ({"User-Agent": SAFARI}, {"ip": "17.58.63.1"}, (True, "apple_mpp")),
    "Gmail image proxy": ({"User-Agent": GMAIL}, {"ip": "66.249.84.1"}, (False, None)),
    "scanner agent": ({"User-Agent": BARRACUDA}, {}, (True, "scanner_agent")),
    "scanner network": ({"User-Agent": FIREFOX}, {"ip": "40.107.22.5"},
                        (True, "scanner_network")),
}


@pytest.mark.parametrize("headers, options, expected", CASES.values(), ids=CASES.keys())
def test_opens_are_classified(client, config, db, sent_email, store_hits, headers, options,
                              expected):
    open_hit(client, config, sent_email, **options, **headers)
    assert stored(db, store_hits) == [("opened", *expected)]
    event = db.session.scalars(select(Event)).one()
    assert event.ip == options.get("ip", "198.51.100.7")
    assert event.user_agent == headers["User-Agent"]  # kept whole
    assert event.data["method"] == options.get("method", "GET")


def test_scanner_clicks_are_a_machines(client, config, db, sent_email, links, store_hits):
    click_hit(client, config, sent_email, links[0], **{"User-Agent": BARRACUDA})
    click_hit(client, config, sent_email, links[1], ip="40.107.22.5", **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("clicked", True, "scanner_agent"),
                                      ("clicked", True, "scanner_network")]


def test_every_link_clicked_in_one_second_is_a_machine(client, config, db, sent_email, links,
                                                       store_hits):
    for link in links:
        click_hit(client, config, sent_email, link, **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("clicked", True, "all_links")] * 3


@pytest.mark.parametrize("start, step, expected", [
    (0.8, 0.2, ("clicked", True, "all_links")),  # 0.8, 1.0, 1.2 past whole seconds: two
    (0.0, 0.6, ("clicked", False, None)),  # 1.2 s from first to last: a person's
])
def test_every_link_clicked_within_a_second_wherever_it_falls_is_a_machine(
        client, config, db, sent_email, links, store_hits, redis, start, step, expected):
    for link in links:
        click_hit(client, config, sent_email, link, **{"User-Agent": FIREFOX})
    at = int(time.time()) - 10 + start
    for n, raw in enumerate(redis.lrange(HITS, 0, -1)):
        redis.lset(HITS, n, json.dumps({**json.loads(raw), "t": at + n * step}))
    assert stored(db, store_hits) == [expected] * 3


def test_every_link_clicked_within_a_second_across_two_drains_is_a_machine(
        client, config, db, sent_email, links, store_hits):
    click_hit(client, config, sent_email, links[0], **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("clicked", False, None)]
    for link in links[1:]:
        click_hit(client, config, sent_email, link, **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("clicked", True, "all_links")] * 3


def test_two_of_three_links_clicked_at_once_is_a_person(client, config, db, sent_email, links,
                                                        store_hits):
    for link in links[:2]:
        click_hit(client, config, sent_email, link, **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("clicked", False, None)] * 2


def test_hits_right_after_the_send_are_a_machine(client, config, db, sent_email, links,
                                                 store_hits, monkeypatch):
    monkeypatch.setattr(config, "TRACKING_MIN_SECONDS", 2)
    sent_email.sent_at = utcnow()
    db.session.commit()
    open_hit(client, config, sent_email, **{"User-Agent": FIREFOX})
    assert stored(db, store_hits) == [("opened", True, "too_fast")]
    sent_email.sent_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    click_hit(client, config, sent_email, links[0], **{"User-Agent": FIREFOX})
    assert stored(db, store_hits)[1:] == [("clicked", False, None)]



def _client_address_seen(app, proxies: int) -> str:
    from flask import request

    from app import create_app
    web = create_app(app.extensions["herald_config"].model_copy(
        update={"TRUSTED_PROXIES": proxies}))

    @web.route("/_whoami")
    def whoami():
        return request.remote_addr

    return web.test_client().get(
        "/_whoami", headers={"X-Forwarded-For": "17.58.1.2, 203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"}).get_data(as_text=True)


def test_the_client_address_comes_from_trusted_proxies_only(app):
    """HERALD_TRUSTED_PROXIES=1: the last X-Forwarded-For hop names the client (what the
    client itself put before it is not believed); 0: the header is ignored."""
    assert _client_address_seen(app, 1) == "203.0.113.9"
    assert _client_address_seen(app, 0) == "10.0.0.5"
