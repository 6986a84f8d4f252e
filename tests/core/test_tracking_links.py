"""Which links a message's content holds, which are tracked, and how they are swapped."""
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import Config
from app.core.tracking import links, machines, tokens

BASE = "https://herald.example"


def swap(url: str) -> str:
    return f"{BASE}/c/{len(url)}"


def test_email_links_html_and_text():
    content = {"html": '<a href="https://a.example/x?p=1&amp;q=2">A</a> '
                       "<a href='https://b.example/'>B</a> "
                       '<a href="https://c.example/leave">Unsubscribe</a> '
                       '<a href="https://d.example/opt-out">D</a> '
                       f'<a href="{BASE}/p/token">Settings</a> '
                       '<a href="tel:+14155550100">Call</a> <a href="#top">Top</a>',
               "text": "A (https://a.example/x?p=1&q=2). Unsubscribe: https://c.example/leave\n"
                       "See https://e.example/page, then"}
    assert links.urls_in("email", content, BASE) == [
        "https://a.example/x?p=1&q=2", "https://b.example/", "https://e.example/page"]
    out = links.rewrite("email", content, lambda u: swap(u) if "c.example" not in u else None)
    assert 'href="https://herald.example/c/27"' in out["html"]
    assert 'href="https://c.example/leave"' in out["html"]
    assert out["text"].startswith("A (https://herald.example/c/27). Unsubscribe: https://c.ex")
    assert "See https://herald.example/c/22, then" in out["text"]
    assert content["html"].startswith('<a href="https://a.example/x?p=1&amp;q=2">')  # a copy


def test_sms_and_push():
    assert links.urls_in("sms", {"text": "Go https://a.example/x!"}, BASE) == [
        "https://a.example/x"]
    assert links.rewrite("sms", {"text": "Go https://a.example/x!"}, swap) == {
        "text": "Go https://herald.example/c/19!"}
    assert links.urls_in("push", {"deep_link": "myapp://orders/1"}, BASE) == []
    assert links.rewrite("push", {"deep_link": "https://a.example/x"}, swap) == {
        "deep_link": "https://herald.example/c/19"}


def test_markup_goes_last_in_the_body():
    assert links.append_to_body("<html><body><p>x</p></body></html>", "<i>") == \
        "<html><body><p>x</p><i></body></html>"
    assert links.append_to_body("<p>x</p>", "<i>") == "<p>x</p><i>"


def test_tokens_round_trip_and_expire():
    config = Config(SECRET_KEY="k", TRACKING_LINK_DAYS=30)
    nid = "01939b1e-5f6a-7c3d-9e2f-0a1b2c3d4e5f"
    assert tokens.read_open(config, tokens.open_token(config, nid)) == nid
    click = tokens.read_click(config, tokens.click_token(config, 7, nid, 3))
    assert (click.link_id, click.notification_id, click.links) == (7, nid, 3)
    old = datetime(2020, 1, 1, tzinfo=UTC)
    assert tokens.read_open(config, tokens.open_token(config, nid, now=old)) is None
    assert tokens.read_click(config, tokens.open_token(config, nid)) is None
    assert tokens.is_short_code(tokens.short_code()) and not tokens.is_short_code("abc/1234")


def test_reasons():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    hit = machines.Hit("opened", at, user_agent="Mozilla/5.0 (via ggpht.com GoogleImageProxy)",
                       ip="17.1.2.3")
    assert machines.reason(hit, at.replace(year=2025), 2) is None  # Gmail's proxy: a person
    assert machines.reason(machines.Hit("opened", at, user_agent="curl/8.0"), None, 0) == \
        "scanner_agent"
    assert machines.reason(machines.Hit("opened", at, user_agent="Firefox"), at, 2) == "too_fast"
    assert machines.all_links_at_once([("n", 1, 1, 2), ("n", 1, 2, 2), ("m", 1, 1, 2)]) == {0, 1}


def test_all_links_within_a_second_wherever_the_second_begins():
    # Across a whole-second boundary: still within one second of each other.
    assert machines.all_links_at_once([("n", 10.9, 1, 2), ("n", 11.1, 2, 2)]) == {0, 1}
    # Over a second apart, in one whole second's neighbourhood: a person's.
    assert machines.all_links_at_once([("n", 10.0, 1, 2), ("n", 11.2, 2, 2)]) == set()
    # Only the clicks inside a window that holds every link are marked.
    clicks = [("n", 1.0, 1, 2), ("n", 5.0, 1, 2), ("n", 5.5, 2, 2), ("n", 9.0, 2, 2)]
    assert machines.all_links_at_once(clicks) == {1, 2}
    # A message of one link is never a scan; an unknown count borrows the message's.
    assert machines.all_links_at_once([("n", 1, 1, 1), ("n", 1, 1, 1)]) == set()
    assert machines.all_links_at_once([("n", 1, 1, 0), ("n", 1.5, 2, 2)]) == {0, 1}


def _every_link_window(clicks, window=1.0) -> set[int]:
    """The rule spelled out: a click is marked when some window of `window` seconds that
    holds it holds every link of its message."""
    out = set()
    for i, (nid, t, _, _) in enumerate(clicks):
        total = max(c[3] for c in clicks if c[0] == nid)
        for start in (c[1] for c in clicks if c[0] == nid and t - window <= c[1] <= t):
            inside = {c[2] for c in clicks if c[0] == nid and start <= c[1] <= start + window}
            if total >= 2 and len(inside) >= total:
                out.add(i)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("nm"), st.integers(0, 40).map(lambda n: n / 8),
                          st.integers(1, 3), st.integers(0, 3)), max_size=14))
def test_all_links_at_once_is_the_rule_spelled_out(clicks):
    assert machines.all_links_at_once(clicks) == _every_link_window(clicks)


def test_all_links_at_once_is_linear_in_one_message_s_clicks():
    clicks = [("n", n / 10_000, n % 2, 3) for n in range(50_000)]  # a flood, never all three
    assert machines.all_links_at_once(clicks) == set()
    clicks.append(("n", 4.99995, 2, 3))
    assert len(machines.all_links_at_once(clicks)) == 10_001


def test_addresses_with_spaces_controls_or_placeholders_are_not_tracked():
    for url in ("https://a.example/x\r\nSet-Cookie: a=1", "https://a.example/{{ id }}",
                "https://a.example/\x00", "javascript:alert(1)"):
        assert not links.trackable(url, "", BASE)
    assert links.trackable("https://a.example/ünï", "", BASE)


@pytest.mark.parametrize(("url", "named"), [
    ("https://shop.example/w?email=ada%40example.com", True),
    ("https://shop.example/w?email=ADA@Example.com&x=1", True),
    ("https://shop.example/u/ada@example.com/", True),
    ("https://shop.example/w?email=mada%40example.com", False),  # someone else's
    ("https://shop.example/w?email=ada%40example.community", False),
    ("https://shop.example/t?to=%2B14155550100", True),
    ("https://shop.example/t?to=+14155550100", True),
    ("https://shop.example/t?to=14155550100", True),  # the number without its plus
    ("https://shop.example/t?to=141555501001", False),
    ("https://shop.example/sale", False),
])
def test_an_address_names_a_value_standing_whole_in_it_decoded_in_any_case(url, named):
    assert links.names(url, ["ada@example.com", "+14155550100", "14155550100"]) is named


_PIECES = st.sampled_from(["ada", "a", "@", "example.com", ".", "%40", "%2B", "+", "1", "/",
                           "?x=", "&", "-", "_", "Ü", "ſ", "K", " "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join),
       st.lists(st.sampled_from(["ada@example.com", "a", "1", "+1", "ada", "s", "k"]),
                min_size=1, max_size=3))
def test_names_reads_an_address_as_its_pattern_does(url, values):
    decoded = unquote(url).lower()
    present = [v for v in values if v in decoded]  # the pattern of the values present
    assert links.names(url, values) is (
        bool(present) and links.naming(present).search(decoded) is not None)
