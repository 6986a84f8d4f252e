"""One instance per provider per worker process, reused across batches, and one bounded
thread pool that every provider's sends share.

Concurrency lives here, once: a provider declares `concurrency` (how many of its sends
may be in flight at once) and the pool never lets more than that run, however many
batches ask for it at the same time. Given Redis, the pool also paces each provider to
its send rate limit and slows down on its 429s, across workers (app.channels.pacing).
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from app.channels.base import (
    Message,
    Provider,
    ProviderError,
    RateLimited,
    SendResult,
    TransientError,
)
from app.channels.pacing import Pacer, Slots
from app.channels.registry import provider_class

log = logging.getLogger(__name__)

MAX_THREADS = 64  # all providers together; each is held to its own `concurrency` too


class ProviderPool:
    def __init__(self, config, max_threads: int = MAX_THREADS, redis=None):
        self.config = config
        self.pacer = Pacer(redis, config) if redis is not None else None
        self.max_threads = max_threads
        self._providers: dict[str, Provider] = {}
        self._limits: dict[str, threading.BoundedSemaphore] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self, name: str) -> Provider:
        """The provider's one instance in this process (and its in-flight limit)."""
        with self._lock:
            if name not in self._providers:
                provider = provider_class(name)(self.config)
                self._limits[name] = threading.BoundedSemaphore(max(provider.concurrency, 1))
                self._providers[name] = provider
            return self._providers[name]

    def send(self, name: str, messages: list[Message]) -> list[SendResult]:
        """Send in chunks of the provider's batch size; a crash fails the chunk transiently."""
        provider = self.get(name)
        results: list[SendResult] = []
        for start in range(0, len(messages), provider.max_batch):
            chunk = messages[start : start + provider.max_batch]
            results += self._send_chunk(provider, chunk)
        return results

    def _send_chunk(self, provider: Provider, chunk: list[Message]) -> list[SendResult]:
        name, slots = provider.name, None
        if self.pacer is not None:
            slots = self.pacer.reserve(name, provider.rate_key(), len(chunk))
            if slots.fit < len(chunk):  # their slots are further off than a batch may wait
                wait = max(slots.next_free - self.pacer.clock(), 0.0)
                error = RateLimited(f"{name} send rate limit: next slot in {wait:.1f} s",
                                    retry_after=wait, code="rate_wait")
                late = [SendResult(m.id, error=error) for m in chunk[slots.fit:]]
                return self._send_chunk_now(provider, chunk[: slots.fit], slots) + late
        return self._send_chunk_now(provider, chunk, slots)

    def _send_chunk_now(self, provider: Provider, chunk: list[Message],
                        slots: Slots | None) -> list[SendResult]:
        if not chunk:
            return []
        name = provider.name

        def run(fn, items):
            return self.map(name, fn, items, _paced(slots, len(chunk)))

        if slots is not None:
            self.pacer.wait_until(slots.start)
        try:
            results = provider.send_batch(chunk, run)
        except ProviderError as exc:
            results = [SendResult(m.id, error=exc) for m in chunk]
        except Exception as exc:  # a provider bug must not strand the rows
            log.exception("provider %s crashed on a batch of %d", name, len(chunk))
            error = TransientError(f"{name} crashed: {exc!r}", code="provider_crash")
            results = [SendResult(m.id, error=error) for m in chunk]
        self._slow_down_on_429(provider, results)
        return results

    def _slow_down_on_429(self, provider: Provider, results: list[SendResult]) -> None:
        told = [r.error for r in results
                if isinstance(r.error, RateLimited) and r.error.code != "rate_wait"]
        if told and self.pacer is not None:
            retry_after = max((e.retry_after or 0 for e in told), default=0)
            factor = self.pacer.slow_down(provider.rate_key(), retry_after)
            log.warning("%s answered 429 (Retry-After %.1f s): sending %g× slower for a while",
                        provider.name, retry_after, factor)

    def map(self, name: str, fn, items, start_of=None) -> list:
        """Run fn over items on the shared threads, at most `concurrency` of them at once.

        The caller waits for a free slot before submitting, so a provider at its limit
        holds no thread of the pool while it waits; `start_of(index)`, when given, is the
        moment an item may start (its rate-limit slot). Results come back in input order.
        """
        items, limit = list(items), self._limits[name]
        if len(items) <= 1:  # nothing to overlap: skip the hand-off to a thread
            with limit:
                return [fn(item) for item in items]
        executor = self._threads()
        futures: list[Future] = []
        for index, item in enumerate(items):
            if start_of is not None:
                self.pacer.wait_until(start_of(index, len(items)))
            limit.acquire()
            try:
                future = executor.submit(fn, item)
            except BaseException:
                limit.release()
                raise
            future.add_done_callback(lambda _, limit=limit: limit.release())
            futures.append(future)
        return [future.result() for future in futures]

    def _threads(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.max_threads,
                                                    thread_name_prefix="send")
            return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        for provider in self._providers.values():
            provider.close()
        self._providers.clear()
        self._limits.clear()


def _paced(slots: Slots | None, messages: int):
    """When the index-th of n requests may start: spread over the messages' slots."""
    if slots is None or not slots.interval:
        return None
    return lambda index, n: slots.at(index * messages // n)
