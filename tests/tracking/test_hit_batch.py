"""Hits taken together (app.core.tracking.batch): each caller gets its own answer, a click
is appended only with a cached stored link, and a Redis failure reaches every caller."""
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis.asyncio
from redis.exceptions import RedisError

from app.core.tracking import batch, tokens
from app.core.tracking.hits import HITS, Request
from app.core.tracking.outgoing import LINK_KEY, SHORT_KEY
from tests.sandbox_client import free_port

SEEN = Request("GET", "198.51.100.7", "Mozilla/5.0", False)
NID = "0190a0b1-0000-7000-8000-000000000001"


def take_all(url: str, calls) -> list:
    """Run the calls together on one batcher; each call's result or exception."""
    async def run():
        client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=2)
        batcher = batch.Batcher(client)
        try:
            return await asyncio.gather(*(call(batcher) for call in calls),
                                        return_exceptions=True)
        finally:
            await client.aclose()
    # On a thread of its own: a browser test's sync driver may hold this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, run()).result()


def test_callers_of_one_batch_get_their_own_answers(config, redis):
    redis.set(LINK_KEY.format(7), "https://shop.example/a")
    redis.set(SHORT_KEY.format("Abcd1234"), "https://shop.example/b")
    click = tokens.click_token(config, 7, NID, 2)
    uncached = tokens.click_token(config, 8, NID, 2)
    honeypot = tokens.click_token(config, tokens.HONEYPOT, NID, 2)
    results = take_all(config.REDIS_URL, [
        lambda b: batch.take_open(b, config, tokens.open_token(config, NID), SEEN),
        lambda b: batch.take_click(b, config, click, SEEN),
        lambda b: batch.take_click(b, config, uncached, SEEN),
        lambda b: batch.take_short(b, "Abcd1234", SEEN),
        lambda b: batch.take_short(b, "Nocode12", SEEN),
        lambda b: batch.take_click(b, config, honeypot, SEEN),
        lambda b: batch.take_open(b, config, "forged", SEEN),
        lambda b: batch.take_click(b, config, click + "x", SEEN),
    ])
    assert results == [True, "https://shop.example/a", None, "https://shop.example/b", None,
                       "", False, None]
    hits = [json.loads(h) for h in redis.lrange(HITS, 0, -1)]
    assert sorted(((h["k"], h.get("l"), h.get("s")) for h in hits), key=str) == [
        ("clicked", 0, None), ("clicked", 7, None), ("clicked", None, "Abcd1234"),
        ("opened", None, None)]
    assert all(h["n"] == NID for h in hits if "s" not in h)
    assert all(h["ip"] == "198.51.100.7" and h["user_agent"] == "Mozilla/5.0" for h in hits)


def test_more_hits_than_one_call_takes_all_arrive(config, redis):
    token = tokens.open_token(config, NID)
    count = batch.MAX_BATCH * 2 + 3
    results = take_all(config.REDIS_URL,
                       [lambda b: batch.take_open(b, config, token, SEEN)] * count)
    assert results == [True] * count and redis.llen(HITS) == count


def test_a_script_redis_no_longer_has_is_sent_again(config, redis):
    redis.set(LINK_KEY.format(7), "https://shop.example/a")
    redis.script_flush()
    click = tokens.click_token(config, 7, NID, 2)
    assert take_all(config.REDIS_URL, [lambda b: batch.take_click(b, config, click, SEEN)]
                    ) == ["https://shop.example/a"]
    assert redis.llen(HITS) == 1


@pytest.mark.usefixtures("app")
def test_a_redis_failure_reaches_every_caller(config):
    token = tokens.open_token(config, NID)
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    results = take_all(down, [lambda b: batch.take_open(b, config, token, SEEN)] * 3)
    assert len(results) == 3 and all(isinstance(r, RedisError) for r in results)
