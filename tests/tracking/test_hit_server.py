"""The hit server (`python -m app.tracking.server`) as a process, over HTTP: the same
answers as the web process, hits reaching the events table after the drain, and the
database taking them while Redis is down."""
import gc
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.core.tracking.outgoing import LINK_KEY
from app.models import Event, TrackedLink
from app.tracking import server
from app.tracking.server import client_ip
from tests.helpers.metrics import request_counts
from tests.sandbox_client import free_port
from tests.tracking.test_links import altered, click_path, open_path

pytestmark = pytest.mark.usefixtures("tracking")
ROOT = Path(__file__).resolve().parents[2]
HITS = 40
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def start(config, redis_url: str, **settings):
    """The hit server on a free port, on the test's database and the given Redis."""
    port = free_port()
    env = {**os.environ, "HERALD_DATABASE_URL": config.SQLALCHEMY_DATABASE_URI,
           "HERALD_REDIS_URL": redis_url, "HERALD_SECRET_KEY": config.SECRET_KEY,
           "HERALD_TRACKING_BIND": f"127.0.0.1:{port}", "HERALD_TRACKING_MIN_SECONDS": "0",
           "HERALD_BASE_URL": config.BASE_URL, **settings}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # this process's own histogram
    process = subprocess.Popen([sys.executable, "-m", "app.tracking.server"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            httpx.get(f"{url}/o/", timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the hit server did not answer")


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture()
def hit_server(config):
    process, url = start(config, config.REDIS_URL)
    yield url
    stop(process)


@pytest.fixture()
def link(db, sent_email):
    row = TrackedLink(scope=f"n{sent_email.id.hex}", notification_id=sent_email.id,
                      url="https://shop.example/sale?x=1", url_hash="h")
    db.session.add(row)
    db.session.commit()
    return row


def events(db) -> list[Event]:
    db.session.expire_all()
    return db.session.scalars(select(Event).order_by(Event.kind)).all()


def test_hits_are_answered_and_reach_the_events_table_after_the_drain(
        hit_server, config, db, redis, sent_email, link, store_hits):
    redis.set(LINK_KEY.format(link.id), link.url)
    headers = {"User-Agent": UA, "X-Request-ID": "req-42"}
    pixel = httpx.get(hit_server + open_path(config, sent_email.id), headers=headers)
    assert pixel.status_code == 200 and pixel.headers["Content-Type"] == "image/gif"
    assert pixel.content.startswith(b"GIF89a") and "no-store" in pixel.headers["Cache-Control"]
    assert pixel.headers["X-Request-ID"] == "req-42"
    assert pixel.headers["X-Content-Type-Options"] == "nosniff"
    click = httpx.get(hit_server + click_path(config, link.id, sent_email.id) +
                      "?url=https://evil.example/", headers=headers)
    assert click.status_code == 302 and click.headers["Location"] == link.url
    head = httpx.head(hit_server + open_path(config, sent_email.id),
                      headers={**headers, "Sec-Purpose": "prefetch;prerender",
                               "X-Forwarded-For": "203.0.113.9"})
    assert head.status_code == 200 and head.content == b""
    raw = sorted((json.loads(h) for h in redis.lrange("herald:hits", 0, -1)),
                 key=lambda h: h["method"])
    assert [(h["method"], h["prefetch"], h["ip"]) for h in raw] == [
        ("GET", False, "127.0.0.1"), ("GET", False, "127.0.0.1"),
        ("HEAD", True, "127.0.0.1")]  # no proxy is trusted: the peer's address
    assert store_hits() == 3
    stored = events(db)
    assert [e.kind for e in stored] == ["clicked", "opened", "opened"]
    assert {e.user_agent for e in stored} == {UA}
    assert stored[0].link_id == link.id and stored[0].notification_id == sent_email.id


def test_bad_tokens_and_uncached_links_go_to_the_web_app(hit_server, config, db, redis,
                                                         sent_email, link):
    token_path = open_path(config, sent_email.id)
    assert httpx.get(hit_server + "/o/" + altered(token_path[3:])).status_code == 404
    forged = click_path(config, link.id, sent_email.id)
    assert httpx.get(hit_server + forged[:3] + altered(forged[3:])).status_code == 404
    assert httpx.get(hit_server + "/s/NoSuch12").status_code == 404
    assert httpx.get(hit_server + "/o/" + "A" * (config.MAX_URL_BYTES + 1)).status_code == 414
    assert redis.llen("herald:hits") == 0
    # Not cached: the web app reads the stored link, caches it and takes the hit.
    click = httpx.get(hit_server + forged)
    assert click.status_code == 302 and click.headers["Location"] == link.url
    assert redis.get(LINK_KEY.format(link.id)) == link.url.encode()
    assert redis.llen("herald:hits") == 1
    answered = ('herald_http_request_duration_seconds_count{method="GET",'
                'route="/o/<token>.gif",status="2xx"} 1.0')
    assert answered not in httpx.get(hit_server + "/metrics").text
    assert httpx.get(hit_server + token_path).status_code == 200
    assert answered in httpx.get(hit_server + "/metrics").text  # this process's histogram


def test_while_redis_is_down_hits_are_stored_in_the_database(config, db, sent_email, link):
    process, url = start(config, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    try:
        pixel = httpx.get(url + open_path(config, sent_email.id), headers={"User-Agent": UA})
        click = httpx.get(url + click_path(config, link.id, sent_email.id))
        bad = httpx.get(url + "/o/" + altered(open_path(config, sent_email.id)[3:]))
    finally:
        stop(process)
    assert pixel.status_code == 200 and pixel.content.startswith(b"GIF89a")
    assert click.status_code == 302 and click.headers["Location"] == link.url
    assert bad.status_code == 404
    assert [e.kind for e in events(db)] == ["clicked", "opened"]


@pytest.mark.parametrize("hops, forwarded, expected", [
    (0, b"203.0.113.9", "10.0.0.2"),  # no proxy trusted: the peer
    (1, b"203.0.113.9", "203.0.113.9"),
    (1, b"198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the first hop set the last one
    (2, b"198.51.100.1, 203.0.113.9", "198.51.100.1"),
    (2, b"203.0.113.9", "10.0.0.2"),  # fewer hops than trusted: the peer
])
def test_the_client_address_is_read_as_the_web_app_reads_it(hops, forwarded, expected):
    scope = {"client": ("10.0.0.2", 50000)}
    assert client_ip(scope, {b"x-forwarded-for": forwarded}, hops) == expected


def test_with_json_logs_every_line_of_the_hit_server_is_json(config):
    process, url = start(config, config.REDIS_URL, HERALD_LOG_FORMAT="json",
                         HERALD_TRACKING_WORKERS="2")
    httpx.get(f"{url}/o/not-a-token.gif")  # a 404, answered by the web app inside
    stop(process)
    lines = process.stdout.read().splitlines()
    records = [json.loads(line) for line in lines]  # not JSON: a JSONDecodeError here
    assert any("Uvicorn running" in r["message"] for r in records)
    assert {r["logger"] for r in records} >= {"uvicorn.error"}
    assert all(r["level"] in ("INFO", "WARNING") for r in records)


def test_with_two_processes_every_scrape_counts_the_hits_of_both(config, db, sent_email):
    process, url = start(config, config.REDIS_URL, HERALD_TRACKING_WORKERS="2")
    try:
        pixel = open_path(config, sent_email.id)
        with ThreadPoolExecutor(8) as pool:  # a connection each, at once: both answer
            statuses = set(pool.map(lambda _: httpx.get(
                url + pixel, headers={"Connection": "close"}).status_code, range(HITS)))
        assert statuses == {200}
        for _ in range(8):  # whichever process answers the scrape
            scrape = httpx.get(f"{url}/metrics", headers={"Connection": "close"})
            assert scrape.status_code == 200
            assert request_counts(scrape.text)[("/o/<token>.gif", "2xx")] == HITS
    finally:
        stop(process)


def test_the_apps_objects_are_left_out_of_garbage_collection(app, monkeypatch):
    monkeypatch.setattr(server, "create_app", lambda: app)
    gc.unfreeze()
    try:
        assert isinstance(server.make_app(), server.HitServer)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
