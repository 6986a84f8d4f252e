"""GETs over bare keep-alive connections (uvloop, httptools' response parser), bounded in
count and time, to 127.0.0.1 only: the load for servers cheaper than the aiohttp client.

aiohttp's client spends 65-90 µs of CPU on a request; a hit costs the hit server about as
much, and its empty ceiling a quarter of that, so with aiohttp on 2 shared cores the client
is half the work measured. This one writes the request's bytes and parses the answer in
C, 1 connection per `concurrency`, with load.run's bounds, pacing and result.
"""
import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httptools
import uvloop

from bench.load import LoadResult, local_only


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request out, its response's status back."""

    def __init__(self):
        self.parser = httptools.HttpResponseParser(self)
        self.transport = None
        self.answer: asyncio.Future | None = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes):
        self.parser.feed_data(data)

    def on_message_complete(self):
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(self.parser.get_status_code())

    def connection_lost(self, exc):
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(ConnectionError("closed"))

    async def get(self, request: bytes) -> int:
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.answer


async def _drive(url: str, path: Callable[[int], str], headers: dict, count: int,
                 seconds: float, concurrency: int, expect: tuple[int, ...],
                 rate: float | None) -> LoadResult:
    result, counter = LoadResult(), iter(range(count))
    host, port = urlsplit(url).hostname, urlsplit(url).port
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    loop = asyncio.get_running_loop()
    deadline = time.perf_counter() + seconds

    async def connection(conn):
        try:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                request = f"GET {path(i)} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n"
                start = time.perf_counter()
                if rate:
                    start = began + i / rate
                    await asyncio.sleep(start - time.perf_counter())
                try:
                    status = await asyncio.wait_for(conn.get(request.encode("latin-1")), 30)
                except (TimeoutError, ConnectionError):
                    status = 0
                    conn.transport.close()
                    _, conn = await loop.create_connection(_Connection, host, port)
                result.latencies.append(time.perf_counter() - start)
                result.requests += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in expect:
                    result.errors += 1
        finally:
            conn.transport.close()

    # Every connection is open before the clock starts: the measure is of requests, not
    # of the handshakes (with the clock running, they and the first requests landed at
    # once and were among a paced run's slowest).
    opened = await asyncio.gather(*(loop.create_connection(_Connection, host, port)
                                    for _ in range(concurrency)))
    began = time.perf_counter()
    await asyncio.gather(*(connection(conn) for _, conn in opened))
    result.seconds = time.perf_counter() - began
    return result


def gets(url: str, path: Callable[[int], str], *, count: int, seconds: float,
         concurrency: int = 32, expect: tuple[int, ...] = (200,), headers: dict | None = None,
         rate: float | None = None) -> LoadResult:
    """GET url + path(i) up to `count` times within `seconds` over `concurrency`
    connections, as fast as they go or, given a rate, at that many per second."""
    local_only(url)
    return uvloop.run(_drive(url, path, headers or {}, count, seconds, concurrency, expect,
                             rate))
