"""Group commit for small sends: concurrent requests of one process share a transaction.

A single send's own work is small; what it costs is mostly the transaction around it
(checking a connection out, BEGIN, the INSERT, COMMIT and its WAL flush, the Redis round
trip that queues its ids). Sends that arrive while another group is being written wait
for it, then one of them writes all of theirs: each request accepted in turn on that
thread's session (their recipients read in one SELECT), all their rows in one INSERT, one
COMMIT, one enqueue. Under load a group holds several requests (about 6 under the
benchmark's 32 connections on two processes of 16 threads); alone, a request is a group
of one.

The promises are a lone send's: a request's rows are committed before its response and
before their ids are queued, and each request is accepted on its own terms. Once the
group has committed, its other requests answer while the thread that wrote it queues
their ids: a response waits for its rows, not for Redis (had the queue failed, the
sweeper would queue them, as for a lone send's). A request
refused (ValidationFailed: unknown contact, content that does not render, ...) wrote
nothing, as every refusal comes before the rows are written, and the others go on. Any
other error rolls the group back and each of its requests is then sent alone, so one
request's failure is never another's (a request is counted against a per-contact rate
limit once, however many times it is run: see SendRequest.counted_as).

Only requests without an Idempotency-Key or event id are grouped: a replay must roll back
the keys its request claimed, which a shared transaction cannot do for one request.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.delivery import transitions
from app.core.delivery.dispatch import Accepted, enqueue
from app.core.delivery.recipients import READ_AHEAD, read_ahead
from app.errors import HeraldError

# Recipients: a larger request writes alone (its rows would go by COPY anyway).
SMALL = transitions.FEW


def send(group: "SendGroup", session, redis, config, work: Callable, *, category: str,
         recipients: list[str]):
    """Run `work(session)` (a send without keys to the category's recipients, returning
    its Sent) in the group when it is small, else alone; return its Sent, committed and
    queued."""
    if len(recipients) <= SMALL:
        return group.send(session, redis, config, work, reads=(category, recipients))
    return _alone(session, redis, config, work)


def _alone(session, redis, config, work: Callable):
    """Run the work in a transaction of its own, commit, queue its rows."""
    sent = work(session)
    session.commit()
    sent.enqueue(redis, config)
    return sent


@dataclass(eq=False)
class _Turn:
    """One request waiting in the group: its work, then its result or error."""

    work: Callable  # work(session) -> Sent, in the group's transaction
    reads: tuple[str, list[str]] | None = None  # the category and recipients it loads
    result: object = None
    error: BaseException | None = None
    done: bool = False
    woken: threading.Event = field(default_factory=threading.Event)


class SendGroup:
    """Runs concurrent sends of one process in shared transactions (see the module).

    One thread at a time accepts and writes a group's requests (its reads, checks and
    INSERT, on its session); once it has, the requests that came meanwhile are handed
    to the next thread while it commits and queues its own group. (Handed on before
    the INSERT, as they were, the next groups were smaller: about 4 requests against
    6 under the benchmark's 32 connections, and 5-10% fewer sends a second.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Turn] = []
        self._accepting = False  # a thread is accepting a group's requests

    def send(self, session, redis, config, work: Callable,
             reads: tuple[str, list[str]] | None = None):
        """Run `work(session)` (it returns a Sent) in a group; return its Sent, committed
        and queued, or raise its error. `session` is this thread's, used if it leads;
        `reads` (category, recipients) lets the group read its sends' recipients at once."""
        turn = _Turn(work, reads)
        with self._lock:
            self._waiting.append(turn)
            leads = not self._accepting
            self._accepting = True
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
            try:
                rows = _accept(session, group)
                transitions.insert_created(session, rows)
            finally:
                self._hand_on()  # the next group is accepted while this one commits
            session.commit()
        except Exception as exc:
            session.rollback()
            if len(group) > 1:
                _one_by_one(session, redis, config, group)
            else:
                group[0].error = exc
        else:
            _answer(group)  # committed: their responses need not wait for the queue
            enqueue(redis, config, Accepted([row for turn in group if turn.error is None
                                             for row in turn.result.accepted.rows]))
        finally:
            _answer(group)

    def _hand_on(self) -> None:
        """The requests that came meanwhile are the next group, accepted by one of them."""
        with self._lock:
            following = self._waiting[0] if self._waiting else None
            self._accepting = following is not None
        if following is not None:
            following.woken.set()


def _answer(group: list[_Turn]) -> None:
    """Let each request of the group return what it has (once)."""
    for turn in group:
        if not turn.done:
            turn.done = True
            turn.woken.set()


def _accept(session, group: list[_Turn]) -> list[dict]:
    """Accept each request of the group in the session's transaction, their recipients
    read at once; return the rows they hold for one write. A refusal is its request's own."""
    rows = session.info[transitions.HELD] = []
    try:
        reads = [turn.reads for turn in group if turn.reads is not None]
        if len(reads) > 1:
            read_ahead(session, reads)
        for turn in group:
            try:
                turn.result = turn.work(session)
            except HeraldError as exc:  # refused before writing anything
                turn.error = exc
    finally:
        del session.info[transitions.HELD]
        session.info.pop(READ_AHEAD, None)
    return rows


def _one_by_one(session, redis, config, group: list[_Turn]) -> None:
    """After a group failed: each request alone (its rows written as they come), its
    error its own."""
    for turn in group:
        turn.result, turn.error = None, None
        try:
            turn.result = _alone(session, redis, config, turn.work)
        except BaseException as exc:  # noqa: BLE001 - handed to the request's own thread
            session.rollback()
            turn.error = exc
