"""The pixel and tracked links: only genuine, unexpired tokens work, and a click only ever
goes to a stored link."""
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from app.core.tracking import tokens
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from app.models import Event, ShortLink, TrackedLink
from app.models.types import utcnow

pytestmark = pytest.mark.usefixtures("tracking")

LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)


@pytest.fixture()
def link(db, sent_email, redis, config):
    row = TrackedLink(scope=f"n{sent_email.id.hex}", notification_id=sent_email.id,
                      url="https://shop.example/sale?x=1", url_hash="h")
    db.session.add(row)
    db.session.commit()
    redis.set(LINK_KEY.format(row.id), row.url)
    return row


def click_path(config, link_id, nid, links=1, now=None) -> str:
    return f"/c/{tokens.click_token(config, link_id, str(nid), links, now=now)}"


def open_path(config, nid, now=None) -> str:
    return f"/o/{tokens.open_token(config, str(nid), now=now)}.gif"


def altered(token: str) -> str:
    """The token with one character of its payload changed."""
    swap = "A" if token[3] != "A" else "B"
    return token[:3] + swap + token[4:]


def test_the_pixel_is_a_gif_never_cached(client, config, sent_email, redis):
    response = client.get(open_path(config, sent_email.id))
    assert response.status_code == 200 and response.mimetype == "image/gif"
    assert response.data.startswith(b"GIF89a") and response.data[6:10] == b"\x01\x00\x01\x00"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Pragma"] == "no-cache" and response.headers["Expires"] == "0"
    assert redis.llen("herald:hits") == 1


def test_a_click_goes_to_the_stored_link(client, config, sent_email, link):
    response = client.get(click_path(config, link.id, sent_email.id) +
                          "?url=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://shop.example/sale?x=1"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("kind", ["open", "click"])
def test_forged_altered_expired_and_misused_tokens_are_404(client, config, sent_email, link,
                                                           redis, kind):
    if kind == "open":
        good = tokens.open_token(config, str(sent_email.id))
        bad = [tokens.open_token(config, str(sent_email.id), now=LONG_AGO),
               tokens.click_token(config, link.id, str(sent_email.id), 1)]
        paths = [f"/o/{t}.gif" for t in [altered(good), "forged.token", good[:-2], *bad]]
    else:
        good = tokens.click_token(config, link.id, str(sent_email.id), 1)
        bad = [tokens.click_token(config, link.id, str(sent_email.id), 1, now=LONG_AGO),
               tokens.open_token(config, str(sent_email.id)),
               tokens.click_token(config, link.id + 1000, str(sent_email.id), 1)]
        paths = [f"/c/{t}" for t in [altered(good), "forged.token", good[:-2], *bad]]
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert redis.llen("herald:hits") == 0


def test_a_token_of_another_key_is_404_and_a_rotated_key_still_works(
        client, config, sent_email, link, monkeypatch):
    path = click_path(config, link.id, sent_email.id)
    monkeypatch.setattr(config, "SECRET_KEY", "another-key")
    assert client.get(path).status_code == 404
    monkeypatch.setattr(config, "SECRET_KEY_PREVIOUS", ("test-secret",))
    assert client.get(path).status_code == 302


def test_a_cache_miss_reads_the_stored_link(client, config, sent_email, link, redis,
                                            store_hits, db):
    redis.delete(LINK_KEY.format(link.id))
    response = client.get(click_path(config, link.id, sent_email.id))
    assert response.headers["Location"] == "https://shop.example/sale?x=1"
    assert redis.get(LINK_KEY.format(link.id)) == b"https://shop.example/sale?x=1"
    assert store_hits() == 1
    [event] = db.session.scalars(select(Event))
    assert (event.link_id, event.url) == (link.id, link.url)


def test_an_expired_short_code_is_404(client, db, sent_email, link, redis):
    db.session.add(ShortLink(code="Abc123xy", link_id=link.id, notification_id=sent_email.id,
                             expires_at=utcnow() - timedelta(seconds=1)))
    db.session.add(ShortLink(code="Abc123xz", link_id=link.id, notification_id=sent_email.id,
                             expires_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    assert client.get("/s/Abc123xy").status_code == 404
    assert client.get("/s/Abc123xz").headers["Location"] == link.url
    assert redis.get(SHORT_KEY.format("Abc123xz")) == link.url.encode()
    assert redis.llen("herald:hits") == 1


def test_the_honeypot_answers_and_records_a_machine(client, config, sent_email, store_hits, db):
    response = client.get(click_path(config, tokens.HONEYPOT, sent_email.id))
    assert response.status_code == 204
    store_hits()
    [event] = db.session.scalars(select(Event))
    assert (event.kind, event.machine, event.reason, event.link_id) == (
        "clicked", True, "honeypot", None)


def test_a_hit_answered_ahead_of_flask_keeps_the_app_headers_and_is_counted(
        client, config, sent_email, link):
    def count() -> float:
        text = client.get("/metrics").get_data(as_text=True)
        return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
                   if s.name == "herald_http_request_duration_seconds_count"
                   and s.labels["route"] == "/c/<token>" and s.labels["status"] == "3xx")

    before = count()
    response = client.get(click_path(config, link.id, sent_email.id),
                          headers={"X-Request-ID": "hit-42"})
    assert response.status_code == 302 and response.headers["X-Request-ID"] == "hit-42"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert count() == before + 1


def test_a_hit_with_a_url_past_the_limit_is_414_and_not_recorded(client, config, sent_email,
                                                                 redis):
    path = open_path(config, sent_email.id) + "?x=" + "a" * config.MAX_URL_BYTES
    assert client.get(path).status_code == 414
    assert redis.llen("herald:hits") == 0


def test_only_what_the_middleware_cannot_answer_reaches_flask(app, client, config,
                                                              sent_email, link, redis):
    reached = []
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.append(lambda: reached.append(True))
    try:
        client.get(open_path(config, sent_email.id))
        client.get(click_path(config, link.id, sent_email.id))
        assert reached == []
        redis.delete(LINK_KEY.format(link.id))  # not cached: Flask's view reads the database
        assert client.get(click_path(config, link.id, sent_email.id)).status_code == 302
        assert client.get("/o/forged.gif").status_code == 404
        assert reached == [True, True]
    finally:
        hooks.pop()
    assert redis.llen("herald:hits") == 3


def test_hits_while_redis_is_down_are_stored_and_answered(client, app, db, config, sent_email,
                                                           link, monkeypatch):
    """No hit is lost to a Redis outage: the pixel still answers, a click still goes to its
    stored link (read from the database), and both are stored as events at once."""
    from redis import from_url
    monkeypatch.setitem(app.extensions, "redis", from_url("redis://127.0.0.1:1/0"))
    pixel = client.get(open_path(config, sent_email.id))
    assert pixel.status_code == 200 and pixel.mimetype == "image/gif"
    click = client.get(click_path(config, link.id, sent_email.id))
    assert click.status_code == 302
    assert click.headers["Location"] == "https://shop.example/sale?x=1"
    assert client.get(altered(open_path(config, sent_email.id))).status_code == 404
    db.session.expire_all()
    events = db.session.execute(select(Event.kind, Event.notification_id, Event.url)).all()
    assert sorted(events) == [("clicked", sent_email.id, "https://shop.example/sale?x=1"),
                              ("opened", sent_email.id, None)]
