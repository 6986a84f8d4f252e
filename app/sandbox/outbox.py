"""What the simulators received, and the faults they have been told to answer with.

One process keeps everything. Served from several processes (`--processes`, for
benchmarks) the outbox keeps counts only, summed across the processes in shared memory,
and takes no faults: a fault or an entry held by one process would be a lie to the others.
"""
import asyncio
import itertools
import json
import multiprocessing
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass

KEEP_PER_PROVIDER = 20_000


@dataclass
class Fault:
    """Answer the next `times` matching requests (or every one for `seconds`) with the
    named error kind, after `delay` seconds; kind "ok" answers normally after the delay."""

    provider: str
    kind: str  # e.g. "UNREGISTERED", "429", "21211", "550", "ok"
    match: str | None = None  # recipient (token, number, address); None = any
    times: int = 1
    retry_after: int | None = None
    delay: float = 0.0  # a slow provider, or (longer than the client waits) a silent one
    seconds: float | None = None  # an outage: every matching request until it has passed

    def __post_init__(self):
        self.until = None if self.seconds is None else time.monotonic() + self.seconds


class Outbox:
    """Thread-safe, bounded store shared by every simulator in the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._entries: dict[str, deque] = defaultdict(lambda: deque(maxlen=KEEP_PER_PROVIDER))
        self._counts: dict[str, int] = defaultdict(int)
        self._faults: list[Fault] = []
        self._shared = None  # counts of every process, one row of counters per process
        self._providers: tuple[str, ...] = ()
        self._slot = 0

    @property
    def shared(self) -> bool:
        return self._shared is not None

    def share(self, processes: int, providers: tuple[str, ...]) -> None:
        """Count in shared memory for `processes` processes (before they are forked)."""
        self._providers = providers
        self._shared = multiprocessing.Array("q", processes * len(providers), lock=False)

    def use_slot(self, slot: int) -> None:
        """Count this (forked) process's requests in its own row: no lock is needed."""
        self._slot = slot

    def record(self, provider: str, recipient: str, payload: dict, **extra) -> dict:
        """Store one accepted request and return its entry (with a sandbox id)."""
        if self._shared is not None:
            self._shared[self._slot * len(self._providers)
                         + self._providers.index(provider)] += 1
            return {"id": 0, "provider": provider, "recipient": recipient}  # counts only
        entry = {
            "id": next(self._ids),
            "provider": provider,
            "recipient": recipient,
            "payload": payload,
            "at": time.time(),
            **extra,
        }
        with self._lock:
            self._entries[provider].append(entry)
            self._counts[provider] += 1
        return entry

    def entries(self, provider: str | None = None, search: str = "",
                limit: int | None = None) -> list[dict]:
        """Entries oldest first; with `search`, those whose recipient or request contains
        it (any case); with `limit`, only the newest that many."""
        with self._lock:
            if provider:
                found = list(self._entries[provider])
            else:
                found = sorted((e for q in self._entries.values() for e in q),
                               key=lambda e: e["id"])
        if search:
            needle = search.lower()
            found = [e for e in found if needle in e["recipient"].lower()
                     or needle in json.dumps(e["payload"], default=str).lower()]
        return found[-limit:] if limit else found

    def entry(self, entry_id: int) -> dict | None:
        with self._lock:
            return next((e for q in self._entries.values() for e in q
                         if e["id"] == entry_id), None)

    def add_webhook(self, entry_id: int, webhook: dict) -> None:
        """Note a webhook a simulator called about an entry (status callback, event)."""
        with self._lock:
            for queue in self._entries.values():
                for entry in queue:
                    if entry["id"] == entry_id:
                        entry.setdefault("webhooks", []).append(webhook)
                        return

    def faults(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def counts(self) -> dict[str, int]:
        if self._shared is not None:
            width = len(self._providers)
            totals = {name: sum(self._shared[i::width]) for i, name in
                      enumerate(self._providers)}
            return {name: count for name, count in totals.items() if count}
        with self._lock:
            return dict(self._counts)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take_fault(self, provider: str, recipient: str) -> Fault | None:
        """Return (and use up one of) the first fault matching this request."""
        if not self._faults:  # the usual case: no lock, no list made a request
            return None
        now = time.monotonic()
        with self._lock:
            self._faults = [f for f in self._faults if f.until is None or f.until > now]
            for fault in self._faults:
                if fault.provider == provider and fault.match in (None, recipient):
                    fault.times -= 1
                    if fault.times <= 0 and fault.until is None:
                        self._faults.remove(fault)
                    return fault
        return None

    async def answer_fault(self, provider: str, recipient: str) -> Fault | None:
        """Take the request's fault and wait out its delay; return it unless it is "ok"."""
        fault = self.take_fault(provider, recipient)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        return None if fault is None or fault.kind == "ok" else fault

    def reset(self) -> None:
        if self._shared is not None:
            self._shared[:] = [0] * len(self._shared)
        with self._lock:
            self._entries.clear()
            self._counts.clear()
            self._faults.clear()


outbox = Outbox()
