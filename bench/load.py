"""A load generator bounded in count and time, to 127.0.0.1 only: req/s, p50 and p99.

`concurrency` connections each send one request after another until `count` requests
have gone out or `seconds` have passed, whichever comes first. Given a `rate`, the i-th
request is due i / rate seconds after the start and waits until then (an open load at
that pace); its latency counts from when it was due, so a server that falls behind shows
its queue in the percentiles instead of slowing the load down.
"""
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

# (method, url, keyword arguments for aiohttp) for the i-th request
Request = Callable[[int], tuple[str, str, dict]]


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(int(len(ordered) * p / 100), len(ordered) - 1)] * 1000


def local_only(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load generator only targets this machine, not {url}")


async def _drive(request: Request, count: int, seconds: float, concurrency: int,
                 expect: tuple[int, ...], ssl, rate: float | None) -> LoadResult:
    result = LoadResult()
    counter = iter(range(count))
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=ssl)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def connection():
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                method, url, kwargs = request(i)
                start = time.perf_counter()
                if rate:
                    start = began + i / rate
                    await asyncio.sleep(start - time.perf_counter())
                try:
                    async with session.request(method, url, **kwargs) as response:
                        await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError):
                    status = 0
                result.latencies.append(time.perf_counter() - start)
                result.requests += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in expect:
                    result.errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(concurrency)))
        result.seconds = time.perf_counter() - began
    return result


def run(request: Request, *, count: int, seconds: float, concurrency: int = 32,
        expect: tuple[int, ...] = (200, 201, 202), ssl=None,
        rate: float | None = None) -> LoadResult:
    """Send up to `count` requests within `seconds` over `concurrency` connections, as
    fast as they go or, given a rate, at that many per second."""
    local_only(request(0)[1])
    return asyncio.run(_drive(request, count, seconds, concurrency, expect, ssl, rate))
