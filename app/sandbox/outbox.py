"""What the simulators received, and the faults they have been told to answer with."""
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass

KEEP_PER_PROVIDER = 20_000


@dataclass
class Fault:
    """Answer the next `times` matching requests with the named error kind."""

    provider: str
    kind: str  # e.g. "UNREGISTERED", "429", "21211", "550"
    match: str | None = None  # recipient (token, number, address); None = any
    times: int = 1
    retry_after: int | None = None


class Outbox:
    """Thread-safe, bounded store shared by every simulator in the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._entries: dict[str, deque] = defaultdict(lambda: deque(maxlen=KEEP_PER_PROVIDER))
        self._counts: dict[str, int] = defaultdict(int)
        self._faults: list[Fault] = []

    def record(self, provider: str, recipient: str, payload: dict, **extra) -> dict:
        """Store one accepted request and return its entry (with a sandbox id)."""
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
        with self._lock:
            return dict(self._counts)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take_fault(self, provider: str, recipient: str) -> Fault | None:
        """Return (and use up one of) the first fault matching this request."""
        with self._lock:
            for fault in self._faults:
                if fault.provider == provider and fault.match in (None, recipient):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()
            self._faults.clear()


outbox = Outbox()
