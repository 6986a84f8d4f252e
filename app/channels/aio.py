"""An event loop on a thread of its own, for providers whose clients are asyncio
(HTTP/2 multiplexing): their connections live on it for the worker's lifetime, and a
batch is one coroutine run there while the worker's thread waits."""
import asyncio
import threading
from collections.abc import Coroutine


class LoopThread:
    def __init__(self, name: str):
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine, timeout: float | None = None):
        """Run the coroutine on the loop and return its result (or raise its error)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()
