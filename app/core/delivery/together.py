"""Group commit for small sends: concurrent requests of one process share a transaction.

A single send's own work is small; what it costs is mostly the transaction around it
(checking a connection out, BEGIN, COMMIT and its WAL flush, the Redis round trip that
queues its ids). Sends that arrive while another group is being written wait for it,
then one of them writes all of theirs: each request accepted in turn on that thread's
session, one COMMIT, one enqueue for every row. Under load a group holds about as many
requests as the process has threads; alone, a request is a group of one.

The promises are a lone send's: a request's rows are committed before its response and
before their ids are queued, and each request is accepted on its own terms. A request
refused (ValidationFailed: unknown contact, content that does not render, ...) wrote
nothing, as every refusal comes before the rows are written, and the others go on. Any
other error rolls the group back and each of its requests is then sent alone, so one
request's failure is never another's.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.delivery.dispatch import Accepted, enqueue
from app.errors import HeraldError

SMALL = 16  # recipients: a larger request writes alone (its rows go by COPY)


def send(group: "SendGroup", session, redis, config, recipients: int, work: Callable):
    """Run `work(session)` (a send without keys, returning its Sent) in the group when it
    is small, else alone; return its Sent, committed and queued."""
    if recipients <= SMALL:
        return group.send(session, redis, config, work)
    sent = work(session)
    session.commit()
    sent.enqueue(redis, config)
    return sent


@dataclass(eq=False)
class _Turn:
    """One request waiting in the group: its work, then its result or error."""

    work: Callable  # work(session) -> Sent, in the group's transaction
    result: object = None
    error: BaseException | None = None
    done: bool = False
    woken: threading.Event = field(default_factory=threading.Event)


class SendGroup:
    """Runs concurrent sends of one process in shared transactions (see the module)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Turn] = []
        self._writing = False  # a thread is writing a group

    def send(self, session, redis, config, work: Callable):
        """Run `work(session)` (it returns a Sent) in a group; return its Sent, committed
        and queued, or raise its error. `session` is this thread's, used if it writes."""
        turn = _Turn(work)
        with self._lock:
            self._waiting.append(turn)
            leads = not self._writing
            self._writing = True
        if not leads:
            turn.woken.wait()  # done, or handed the next group
        if not turn.done:
            self._lead(session, redis, config)
        if turn.error is not None:
            raise turn.error
        return turn.result

    def _lead(self, session, redis, config) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            _write(session, redis, config, group)
        finally:
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                self._writing = following is not None
            for turn in group:
                turn.done = True
                turn.woken.set()
            if following is not None:
                following.woken.set()  # it writes the requests that came meanwhile


def _write(session, redis, config, group: list[_Turn]) -> None:
    """Accept every request of the group in one transaction, commit, queue their rows."""
    try:
        for turn in group:
            try:
                turn.result = turn.work(session)
            except HeraldError as exc:  # refused before writing anything
                turn.error = exc
        session.commit()
    except Exception:
        session.rollback()
        if len(group) == 1:
            raise
        _one_by_one(session, redis, config, group)
        return
    enqueue(redis, config, Accepted([n for turn in group if turn.error is None
                                     for n in turn.result.accepted.notifications]))


def _one_by_one(session, redis, config, group: list[_Turn]) -> None:
    """After a group failed: each request alone, its error its own."""
    for turn in group:
        turn.result, turn.error = None, None
        try:
            turn.result = turn.work(session)
            session.commit()
        except BaseException as exc:  # noqa: BLE001 - handed to the request's own thread
            session.rollback()
            turn.error = exc
            continue
        turn.result.enqueue(redis, config)
