"""Keep a worker's claim on its batch while it sends.

A claimed row is `sending` with `due_at` as its lease: when the lease passes, the sweeper
takes the row back. The lease is short (SEND_LEASE_SECONDS) so a dead worker's batch is
back in the queue within seconds; a thread beside the send pushes it forward every third
of the lease, so a live worker's slow batch is never taken back. The renewal is not a
status move (the row stays `sending`), only its lease, and it skips rows another
transaction holds: it never waits on the worker's own outcome write nor on a sweeper.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from app.models import Notification
from app.models.notifications import Status
from app.models.types import utcnow

log = logging.getLogger(__name__)
# However slow the batch, the lease is not renewed past this (the job's own time limit).
MAX_HOLD_SECONDS = 600


@contextmanager
def kept(engine, ids: list, seconds: float,
         clock: Callable[[], datetime] = utcnow) -> Iterator[None]:
    """Renew the lease of the claimed rows `ids` until the block ends."""
    stop = threading.Event()
    thread = threading.Thread(target=_renew_until, name="lease-renewal", daemon=True,
                              args=(engine, ids, seconds, stop, clock))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def renew(engine, ids: list, seconds: float, now: datetime) -> int:
    """Push the lease of those rows still `sending` to now + seconds; return how many."""
    unlocked = (select(Notification.id)
                .where(Notification.id.in_(ids), Notification.status == Status.SENDING)
                .with_for_update(skip_locked=True))
    with engine.begin() as conn:
        done = conn.execute(update(Notification)
                            .where(Notification.id.in_(unlocked.scalar_subquery()))
                            .values(due_at=now + timedelta(seconds=seconds)))
    return done.rowcount


def _renew_until(engine, ids, seconds, stop: threading.Event, clock) -> None:
    rounds = int(MAX_HOLD_SECONDS / (seconds / 3))
    for _ in range(rounds):
        if stop.wait(seconds / 3):
            return
        try:
            renew(engine, ids, seconds, clock())
        except SQLAlchemyError as exc:  # the database is away: the next round tries again
            log.warning("could not renew the lease of %d notifications: %s", len(ids), exc)
    log.warning("stopped renewing the lease of %d notifications after %d s",
                len(ids), MAX_HOLD_SECONDS)
