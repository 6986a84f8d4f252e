"""Small sends that arrive together share one transaction (group commit), each accepted
or refused on its own terms."""
import socket
import threading
import time

import pytest
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import event, select, update

from app.core.delivery import together
from app.core.delivery.dispatch import SendRequest
from app.core.delivery.send import send
from app.errors import ValidationFailed
from app.extensions import db as db_
from app.models import Category, Notification
from app.queues import due_key
from tests import factories

CONTENT = {"sms": {"text": "Hello"}}


@pytest.fixture()
def contacts(db):
    factories.category()
    for i in range(1, 6):
        factories.contact(external_id=f"user-{i}", email=f"u{i}@example.com",
                          phone=f"+1415555000{i}")
    db.session.commit()


def request_for(external_id: str) -> SendRequest:
    return SendRequest([external_id], "orders", ["sms"], content=CONTENT)


def run_together(app, redis, config, works: list, reads: list | None = None,
                 answered: dict | None = None) -> list:
    """Run each work in a thread of its own through one group (with what each reads, if
    given). The first holds its group open until all the others wait, so they are written
    together after it. Returns each thread's outcome: (Sent or error, the thread the work
    ran on); `answered` gets the seconds each thread waited for it."""
    group, outcomes = together.SendGroup(), [None] * len(works)
    ran_on = [None] * len(works)

    def traced(i, work):
        def run(session):
            ran_on[i] = threading.get_ident()
            if i == 0:
                deadline = time.monotonic() + 10
                while len(group._waiting) < len(works) - 1 and time.monotonic() < deadline:
                    time.sleep(0.005)
            return work(session)
        return run

    def thread(i, work):
        started = time.monotonic()
        with app.app_context():
            try:
                outcomes[i] = group.send(db_.session, redis, config, traced(i, work),
                                         reads[i] if reads else None)
            except Exception as exc:  # noqa: BLE001 - the test looks at it
                outcomes[i] = exc
            finally:
                if answered is not None:
                    answered[i] = time.monotonic() - started
                db_.session.remove()

    threads = [threading.Thread(target=thread, args=(i, w)) for i, w in enumerate(works)]
    threads[0].start()
    while not group._accepting:
        time.sleep(0.001)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(20)
    return list(zip(outcomes, ran_on, strict=True))


def sending(redis, config, external_id: str):
    return lambda session: send(session, redis, config, request_for(external_id))


def queued_ids(redis) -> set[str]:
    return {i.decode() for i in redis.lrange(due_key("sms"), 0, -1)}


def rows_of(db, external_ids) -> dict[str, str]:
    rows = db.session.execute(select(Notification.address, Notification.status)).all()
    return dict(rows)


def test_sends_that_wait_together_are_written_by_one_thread_and_each_committed_and_queued(
        app, db, redis, config, contacts):
    names = [f"user-{i}" for i in range(1, 6)]
    inserts, reads = [], []

    def count(conn, cursor, statement, *args):
        if "INSERT INTO notifications " in statement:
            inserts.append(statement)
        if "FROM contacts" in statement or "JOIN contacts" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        outcomes = run_together(app, redis, config, [sending(redis, config, n) for n in names],
                                [("orders", [n]) for n in names])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(inserts) == 2  # the first alone, then the four that waited in one INSERT
    assert len(reads) == 2  # and their recipients read in one SELECT
    sents = [sent for sent, _ in outcomes]
    assert all(not isinstance(s, Exception) and s.status == 202 for s in sents), sents
    # The four that waited behind the first were written by one of them, in one group.
    assert len({thread for _, thread in outcomes[1:]}) == 1
    assert outcomes[0][1] not in {thread for _, thread in outcomes[1:]}
    ids = {n.id_text for s in sents for n in s.accepted.notifications}
    assert len(ids) == 5 and ids <= queued_ids(redis)
    assert set(rows_of(db, names).values()) == {"queued"}
    assert db.session.scalar(select(Notification.id).where(Notification.address.is_(None))) \
        is None


def test_a_refused_request_in_a_group_leaves_the_others_sent(app, db, redis, config,
                                                              contacts):
    names = ["user-1", "user-2", "nobody", "user-3"]
    outcomes = run_together(app, redis, config, [sending(redis, config, n) for n in names],
                            [("orders", [n]) for n in names])
    refused = outcomes[2][0]
    assert isinstance(refused, ValidationFailed)
    assert refused.errors == [{"field": "/recipients/0", "message": "unknown contact 'nobody'"}]
    others = [sent for i, (sent, _) in enumerate(outcomes) if i != 2]
    assert all(s.status == 202 for s in others)
    assert len({thread for _, thread in outcomes[1:]}) == 1  # it was in the group
    ids = {n.id_text for s in others for n in s.accepted.notifications}
    assert ids <= queued_ids(redis)
    assert db.session.query(Notification).count() == 3


def test_an_error_after_writing_rolls_the_group_back_then_sends_each_alone(
        app, db, redis, config, contacts):
    def broken(session):
        send(session, redis, config, request_for("user-3"))
        raise RuntimeError("lost after writing")

    works = [sending(redis, config, "user-1"), sending(redis, config, "user-2"), broken,
             sending(redis, config, "user-4")]
    outcomes = run_together(app, redis, config, works)
    assert isinstance(outcomes[2][0], RuntimeError)
    others = [sent for i, (sent, _) in enumerate(outcomes) if i != 2]
    assert all(s.status == 202 for s in others), others
    assert sorted(rows_of(db, []).keys()) == ["+14155550001", "+14155550002", "+14155550004"]
    ids = {n.id_text for s in others for n in s.accepted.notifications}
    assert ids <= queued_ids(redis) and len(queued_ids(redis)) == 3


def test_a_request_sent_alone_after_its_group_failed_is_not_counted_twice(
        app, db, redis, config, contacts):
    """Counted once against a per-contact rate limit of one SMS an hour while its group
    was accepted, a request is not then refused by its own count when it is sent alone."""
    db.session.execute(update(Category).values(
        rate_limits={"sms": {"limit": 1, "per_seconds": 3600}}))
    db.session.commit()
    requests = {n: request_for(n) for n in ("user-1", "user-2", "user-3")}

    def broken(session):
        send(session, redis, config, requests["user-3"])
        raise RuntimeError("lost after writing")

    works = [lambda session, r=requests[n]: send(session, redis, config, r)
             for n in ("user-1", "user-2")]
    outcomes = run_together(app, redis, config, [*works, broken])
    assert isinstance(outcomes[2][0], RuntimeError)
    assert set(rows_of(db, []).values()) == {"queued"}
    assert len(queued_ids(redis)) == 2
    # A new request is a new send: the limit holds.
    again = send(db.session, redis, config, request_for("user-1"))
    db.session.commit()
    assert [(n.status, n.reason) for n in again.accepted.notifications] == \
        [("suppressed", "rate_limited")]


def test_a_large_request_is_written_alone(app, db, redis, config, contacts):
    group = together.SendGroup()
    names = [factories.contact(f"big-{i}", None, f"+1415555{i:04d}").external_id
             for i in range(100, 101 + together.SMALL)]
    big = SendRequest(names, "orders", ["sms"], content=CONTENT)
    sent = together.send(group, db.session, redis, config,
                         lambda session: send(session, redis, config, big),
                         category="orders", recipients=big.recipients)
    assert sent.status == 202 and len(queued_ids(redis)) == together.SMALL + 1
    assert not group._accepting and group._waiting == []


def test_a_groups_requests_answer_once_committed_without_waiting_for_the_queue(
        app, db, redis, config, contacts):
    """Queueing is the wait of the thread that wrote the group: the others answer once
    their rows are committed. Here Redis takes its time (a server that accepts connections
    and never answers): the rows are committed, and the two that did not write answered
    long before the writers' enqueue gave up (the sweeper then queues the rows, as after
    any Redis outage)."""
    silent = socket.create_server(("127.0.0.1", 0))
    slow = Redis(*silent.getsockname(), socket_timeout=2, retry=Retry(NoBackoff(), 0))
    names = [f"user-{i}" for i in range(1, 5)]
    answered: dict[int, float] = {}
    try:
        outcomes = run_together(app, slow, config, [sending(slow, config, n) for n in names],
                                [("orders", [n]) for n in names], answered=answered)
    finally:
        silent.close()
        slow.close()
    assert all(sent.status == 202 for sent, _ in outcomes)
    assert set(rows_of(db, names).values()) == {"queued"}  # all committed
    # The first, alone, and the writer of the three that waited behind it, each waited
    # for its enqueue to give up; the other two had answered by then.
    waits = sorted(answered.values())
    assert waits[2] >= 1.9 and waits[1] < 1.5, waits
    assert not queued_ids(redis)  # nothing reached the queue: the sweeper's to queue
