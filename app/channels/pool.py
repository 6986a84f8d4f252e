"""One instance per provider per worker process, reused across batches, and one bounded
thread pool that every provider's sends share.

Concurrency lives here, once: a provider declares `concurrency` (how many of its sends
may be in flight at once) and the pool never lets more than that run, however many
batches ask for it at the same time.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from app.channels.base import Message, Provider, ProviderError, SendResult, TransientError
from app.channels.registry import provider_class

log = logging.getLogger(__name__)

MAX_THREADS = 64  # all providers together; each is held to its own `concurrency` too


class ProviderPool:
    def __init__(self, config, max_threads: int = MAX_THREADS):
        self.config = config
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

        def run(fn, items):
            return self.map(name, fn, items)

        results: list[SendResult] = []
        for start in range(0, len(messages), provider.max_batch):
            chunk = messages[start : start + provider.max_batch]
            try:
                results += provider.send_batch(chunk, run)
            except ProviderError as exc:
                results += [SendResult(m.id, error=exc) for m in chunk]
            except Exception as exc:  # a provider bug must not strand the rows
                log.exception("provider %s crashed on a batch of %d", name, len(chunk))
                error = TransientError(f"{name} crashed: {exc!r}", code="provider_crash")
                results += [SendResult(m.id, error=error) for m in chunk]
        return results

    def map(self, name: str, fn, items) -> list:
        """Run fn over items on the shared threads, at most `concurrency` of them at once.

        The caller waits for a free slot before submitting, so a provider at its limit
        holds no thread of the pool while it waits. Results come back in input order.
        """
        items, limit = list(items), self._limits[name]
        if len(items) <= 1:  # nothing to overlap: skip the hand-off to a thread
            with limit:
                return [fn(item) for item in items]
        executor = self._threads()
        futures: list[Future] = []
        for item in items:
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
