"""A drain's two batches in flight: while one is with its provider and then recorded, the
next is claimed, checked and built.

The claim and the build run on the drain's thread and its session; the provider send, then
(on PostgreSQL) the outcome write on a session of its own, run on a second thread, beside
the next claim. SQLite has one writer at a time: there the drain's session writes the
outcomes once the send is done. Either way a batch's outcomes are committed before the
next batch's send starts, so a crash duplicates at most the one batch that was being sent;
a batch claimed but not yet sent is only swept and sent later. Every claimed batch keeps
its lease renewed until its outcomes are committed (or the pipeline is given up).
"""

import logging
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

from redis.exceptions import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.delivery.deliver import Batch, prepare, record, send

log = logging.getLogger(__name__)


class Pipeline:
    def __init__(self, session, redis, config, pool, channel: str):
        self.session, self.redis, self.config, self.pool = session, redis, config, pool
        self.channel = channel
        self._sender = ThreadPoolExecutor(1, thread_name_prefix=f"{channel}-send")
        bind = session.get_bind()
        self._recorder = Session(bind) if bind.dialect.name == "postgresql" else None
        self._sending: tuple[Batch, Future] | None = None
        self._next: Batch | None = None

    def __enter__(self) -> "Pipeline":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        """On an error, record the batch in flight if its send went through and the
        database is there; stop renewing every lease still held: those rows stay `sending`
        until their lease runs out and the sweeper takes them back."""
        try:
            if exc is not None and self._sending is not None:
                self._record_after(exc)
        finally:
            if self._sending is not None:
                self._sending[1].exception()  # wait: no send outlives its drain
            for batch in (self._sending and self._sending[0], self._next):
                if batch is not None:
                    batch.lease.close()
            self._sending = self._next = None
            self._sender.shutdown()
            if self._recorder is not None:
                self._recorder.close()

    @property
    def busy(self) -> bool:
        """Whether a batch is with its provider."""
        return self._sending is not None

    def push(self, ids: list[str]) -> Counter:
        """Claim and build the ids' batch, wait until the batch in flight is sent and
        recorded, then send the new one; return the counts of the batch recorded."""
        self._next = prepare(self.session, self.redis, self.config, self.channel, ids)
        counts = self.finish()
        batch, self._next = self._next, None
        self._sending = batch, self._sender.submit(self._send_and_record, batch)
        return counts

    def finish(self) -> Counter:
        """Wait for the batch in flight to be sent and recorded; return its counts."""
        if self._sending is None:
            return Counter()
        batch, future = self._sending
        counts = future.result()
        if self._recorder is None:
            counts = record(self.session, self.redis, self.config, batch)
        batch.lease.close()
        self._sending = None
        return Counter(counts)

    def _send_and_record(self, batch: Batch) -> dict[str, int] | None:
        """Send the batch; on PostgreSQL write its outcomes too (beside the next claim)."""
        send(self.pool, self.redis, self.config, batch)
        if self._recorder is None:
            return None
        try:
            return record(self._recorder, self.redis, self.config, batch)
        except BaseException:
            self._recorder.rollback()
            raise

    def _record_after(self, error: BaseException) -> None:
        """The drain failed with a batch in flight: its messages went out, so write its
        outcomes rather than send it again after its lease (unless the database is away,
        or the send or its own outcome write failed)."""
        if isinstance(error, OperationalError | InterfaceError) or self._sending[1].exception():
            return
        try:
            self.session.rollback()
            self.finish()
        except (SQLAlchemyError, RedisError) as exc:
            log.warning("could not record a batch of %d after the drain failed: %s",
                        len(self._sending[0].ids), exc)
