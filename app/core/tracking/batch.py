"""Take hits many at a time: one Redis script call for every hit that arrived meanwhile.

The hit server (app.tracking.server) answers each hit only after Redis has it, as the
web process does (app.core.tracking.hits), but its hits share round trips: while one
call is out, the hits that arrive wait for the next, which carries them all. A click
still goes only to the stored link cached under its key, and its hit is appended only
when there is one; an open is appended as it is. A Redis error fails every hit of the
call, and their callers answer from the database instead.
"""
import asyncio
import hashlib

from redis.exceptions import NoScriptError

from app.core.tracking import tokens
from app.core.tracking.hits import HITS, Request, click_hit, open_hit, short_hit
from app.core.tracking.outgoing import LINK_KEY

# Each key's destination, each click's hit appended when it has one, then every open's.
# KEYS: the hits list, then one link key per click; ARGV: the clicks' hits, then the opens'.
_TAKE = """
local urls, hits = {}, {}
for i = 2, #KEYS do
  local url = redis.call('GET', KEYS[i])
  urls[i - 1] = url
  if url then hits[#hits + 1] = ARGV[i - 1] end
end
for i = #KEYS, #ARGV do hits[#hits + 1] = ARGV[i] end
if #hits > 0 then redis.call('RPUSH', KEYS[1], unpack(hits)) end
return urls
"""
_TAKE_SHA = hashlib.sha1(_TAKE.encode()).hexdigest()
MAX_BATCH = 500  # hits per call: bounds the script's argument list and one call's time


async def take_open(batcher: "Batcher", config, token: str, seen: Request) -> bool:
    """Append an open; False when the token is not a genuine, unexpired one."""
    hit = open_hit(config, token, seen)
    if hit is None:
        return False
    await batcher.take(None, hit)
    return True


async def take_click(batcher: "Batcher", config, token: str, seen: Request) -> str | None:
    """Append a click and return where it goes: its cached stored link, "" for the
    honeypot link, None when the token is not genuine or the link is not cached."""
    found = click_hit(config, token, seen)
    if found is None:
        return None
    click, hit = found
    if click.link_id == tokens.HONEYPOT:
        await batcher.take(None, hit)
        return ""
    return await batcher.take(LINK_KEY.format(click.link_id), hit)


async def take_short(batcher: "Batcher", code: str, seen: Request) -> str | None:
    """Append an SMS link click and return its cached destination, else None."""
    found = short_hit(code, seen)
    return None if found is None else await batcher.take(*found)


class Batcher:
    """Hits of one event loop, sent to Redis one call at a time (redis.asyncio)."""

    def __init__(self, redis):
        self.redis = redis
        self.waiting: list[tuple[str | None, bytes, asyncio.Future]] = []
        self.sending: asyncio.Task | None = None

    async def take(self, key: str | None, hit: bytes) -> str | None:
        """Append the hit (with a key: only when the key holds a destination) and return
        that destination, None on a miss; raises the RedisError of its call."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.waiting.append((key, hit, future))
        if self.sending is None:
            self.sending = loop.create_task(self._send_all())
        url = await future
        return url.decode() if isinstance(url, bytes) else url

    async def _send_all(self) -> None:
        """Send what waits, one call at a time, until nothing does."""
        try:
            while self.waiting:
                # One turn of the loop first: the requests already read join this call.
                await asyncio.sleep(0)
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                await self._send(batch)
        finally:
            self.sending = None

    async def _send(self, batch) -> None:
        clicks = [item for item in batch if item[0] is not None]
        opens = [item for item in batch if item[0] is None]
        keys = [HITS, *(key for key, _, _ in clicks)]
        hits = [hit for _, hit, _ in clicks + opens]
        try:
            try:  # the script by its digest; sent whole only the first time a Redis sees it
                urls = await self.redis.evalsha(_TAKE_SHA, len(keys), *keys, *hits)
            except NoScriptError:
                urls = await self.redis.eval(_TAKE, len(keys), *keys, *hits)
        except Exception as error:  # noqa: BLE001 - handed to every waiting caller
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        urls = list(urls or [])
        for i, (_, _, future) in enumerate(clicks + opens):
            if not future.done():
                future.set_result(urls[i] if i < len(urls) else None)
