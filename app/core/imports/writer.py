"""Write an import's chunks on a thread of their own while the next chunk is checked.

Checking rows is this process's work and writing them is PostgreSQL's, another process:
with one chunk's write in flight while the next one is checked, the two share the time
instead of taking turns.

The writer needs the interpreter only for moments, between its round trips, but each
time it had to wait for the checking thread to let go of it, which Python asks of a busy
thread every 5 ms (its switch interval): a 1,000-row write took 40 ms instead of 15.
While writes run beside the checks, the interval is SWITCH_SECONDS; the import worker
runs one job at a time, so nothing else in the process is affected. (Writers that overlap
in one process, as tests may run them, keep it short until the last one ends.)
"""

import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextvars import copy_context

SWITCH_SECONDS = 0.0002


class _ShortSwitch:
    """The process's switch interval at SWITCH_SECONDS while any writer is open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._saved = sys.getswitchinterval()

    def hold(self) -> None:
        with self._lock:
            if not self._open:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_SECONDS)
            self._open += 1

    def release(self) -> None:
        with self._lock:
            self._open -= 1
            if not self._open:
                sys.setswitchinterval(self._saved)


_SHORT_SWITCH = _ShortSwitch()


class ChunkWriter:
    """Run writes one at a time, in order, on one thread beside the caller (or inline).

    The session goes to the writer's thread but is never used by two threads at once:
    write() waits for the write before it (and raises its error) before handing on the
    next, and the caller uses the session again only once the `with` block has ended.
    """

    def __init__(self, background: bool):
        self._pool = ThreadPoolExecutor(1, "import-writer") if background else None
        self._pending: Future | None = None

    def write(self, fn, *args) -> None:
        """Call fn(*args) once the previous write is done: here, or on the writer thread."""
        self.wait()
        if self._pool is None:
            fn(*args)
        else:
            # In the caller's context (the app's, where a scoped session is found).
            self._pending = self._pool.submit(copy_context().run, fn, *args)

    def wait(self) -> None:
        """Wait for the write in flight; raise its error."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> "ChunkWriter":
        if self._pool is not None:
            _SHORT_SWITCH.hold()
        return self

    def __exit__(self, error_type, *_) -> None:
        try:
            if error_type is None:
                self.wait()
            elif self._pending is not None:  # the caller's error wins; the write ends first
                wait([self._pending])
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                _SHORT_SWITCH.release()

