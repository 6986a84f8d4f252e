"""The one door of a notification's status: the moves table, and move() on the database."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import StatementError

from app.channels.base import SendResult, TransientError
from app.core.delivery.outcomes import SHARED_ANSWER, Outcome, record_outcomes
from app.core.delivery.receipts import Receipt, apply_receipts
from app.core.delivery.sweeper import sweep
from app.core.delivery.transitions import FEW, MOVES, allowed, move, record_created, sources
from app.models import Notification, NotificationStatus
from app.models.notifications import Status
from app.models.types import new_uuid, utcnow
from tests import factories

S = Status
# Every allowed move, spelled out once more: the table must say exactly this.
EXPECTED = {
    (None, S.ACCEPTED), (None, S.QUEUED), (None, S.SUPPRESSED),
    (S.ACCEPTED, S.QUEUED), (S.ACCEPTED, S.SUPPRESSED),
    (S.QUEUED, S.SENDING), (S.QUEUED, S.QUEUED), (S.QUEUED, S.ACCEPTED), (S.QUEUED, S.SUPPRESSED),
    (S.SENDING, S.SENT), (S.SENDING, S.DELIVERED), (S.SENDING, S.RETRYING),
    (S.SENDING, S.FAILED), (S.SENDING, S.DEAD), (S.SENDING, S.SUPPRESSED),
    (S.SENDING, S.QUEUED),
    (S.SENT, S.DELIVERED), (S.SENT, S.FAILED),
    (S.RETRYING, S.QUEUED), (S.RETRYING, S.SUPPRESSED),
    (S.DEAD, S.QUEUED),
}


@pytest.mark.parametrize("current", [None, *Status])
@pytest.mark.parametrize("to", list(Status))
def test_the_table_allows_exactly_these_moves(current, to):
    assert allowed(current, to) == ((current, to) in EXPECTED)
    assert allowed(current and current.value, to) == allowed(current, to)  # as the DB holds it


def test_every_status_has_a_row_in_the_table():
    assert set(MOVES) == {None, *Status}


def rows_in_every_status(db, **kw) -> dict[Status, Notification]:
    contact = factories.contact()
    rows = {s: Notification(id=new_uuid(), contact_id=contact.id, channel="sms",
                            category="orders", status=s.value, attempts=1, **kw)
            for s in Status}
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def history(db, notification_id) -> list:
    return db.session.execute(
        select(NotificationStatus).where(NotificationStatus.notification_id == notification_id)
        .order_by(NotificationStatus.id)).scalars().all()


@pytest.mark.parametrize("to", list(Status))
def test_move_takes_only_the_rows_the_table_allows_and_writes_their_history(db, to):
    rows = rows_in_every_status(db, provider="twilio")
    now = utcnow()
    moved = move(db.session, [r.id for r in rows.values()], to, now=now, detail="why")
    db.session.commit()
    db.session.expire_all()
    assert {rows[s].id for s in map(Status, sources(to))} == {r.id for r in moved}
    for status, row in rows.items():
        steps = history(db, row.id)
        if allowed(status, to):
            assert row.status == to and row.updated_at == now
            [step] = steps
            assert (step.status, step.attempt, step.provider, step.detail, step.at) == (
                to, 1, "twilio", "why", now)
        else:
            assert row.status == status and steps == []


def test_move_stamps_the_status_time(db):
    rows = rows_in_every_status(db)
    now = utcnow()
    move(db.session, [rows[S.SENDING].id], S.SENT, now=now)
    move(db.session, [rows[S.SENT].id], S.DELIVERED, now=now)
    move(db.session, [rows[S.RETRYING].id], S.QUEUED, now=now)
    db.session.commit()
    db.session.expire_all()
    assert rows[S.SENDING].sent_at == now and rows[S.SENT].delivered_at == now
    assert rows[S.RETRYING].queued_at == now


def test_each_row_its_own_status_values_and_time(db):
    rows = rows_in_every_status(db)
    now, earlier = utcnow(), utcnow() - timedelta(minutes=1)
    moved = move(db.session, [
        {"id": rows[S.SENDING].id, "status": S.FAILED, "error_code": "21211",
         "error_message": "invalid number", "detail": "invalid number"},
        {"id": rows[S.SENT].id, "status": S.DELIVERED, "error_code": None, "at": earlier},
        {"id": rows[S.DELIVERED].id, "status": S.SENT, "error_code": None},  # refused
    ], now=now, returning=(Notification.channel,))
    db.session.commit()
    db.session.expire_all()
    assert {(r.id, r.status, r.channel) for r in moved} == {
        (rows[S.SENDING].id, "failed", "sms"), (rows[S.SENT].id, "delivered", "sms")}
    failed, delivered = rows[S.SENDING], rows[S.SENT]
    assert (failed.status, failed.error_code, failed.failed_at) == ("failed", "21211", now)
    assert (delivered.status, delivered.delivered_at, delivered.updated_at) == (
        "delivered", earlier, now)
    assert rows[S.DELIVERED].status == "delivered" and history(db, rows[S.DELIVERED].id) == []
    [step] = history(db, failed.id)
    assert (step.status, step.error_code, step.detail, step.at) == (
        "failed", "21211", "invalid number", now)
    [step] = history(db, delivered.id)
    assert (step.status, step.error_code, step.at) == ("delivered", None, earlier)


def test_a_move_is_one_round_trip_on_postgresql(db):
    ids = {s: row.id for s, row in rows_in_every_status(db).items()}
    statements = []
    engine = db.session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        move(db.session, list(ids.values()), S.QUEUED, now=utcnow())
        move(db.session, [{"id": ids[S.SENT], "status": S.DELIVERED}], now=utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # SQLite: UPDATE … RETURNING, then the history INSERT, in the same transaction.
    assert len(statements) == (2 if engine.dialect.name == "postgresql" else 4)


def test_bad_moves_are_refused_before_any_write(db):
    with pytest.raises(ValueError, match="cannot start as"):
        record_created(db.session, [{"id": new_uuid(), "status": S.SENT}], utcnow())
    row_id = new_uuid()
    with pytest.raises(ValueError, match="one change per row"):
        move(db.session, [{"id": row_id, "status": S.SENT}, {"id": row_id, "status": S.DEAD}],
             now=utcnow())


def test_a_fast_receipt_is_not_overwritten_by_the_worker_outcome(db, redis, config):
    """The provider's delivered receipt arrives before the worker records `sent`."""
    rows = rows_in_every_status(db, provider="sendgrid")
    row = rows[S.SENDING]
    receipt = Receipt(S.DELIVERED, "delivered", notification_id=str(row.id), event_id="e1")
    assert apply_receipts(db.session, "sendgrid", [receipt], None)["matched"] == 1
    claimed = SimpleNamespace(id=row.id, attempts=1, channel="sms", address=None,
                              device_id=None, category="orders")
    outcome = Outcome(claimed, "sendgrid", SendResult(str(row.id), provider_message_id="m1"))
    assert record_outcomes(db.session, redis, config, [outcome], utcnow()) == {}
    db.session.commit()
    db.session.expire_all()
    assert (row.status, row.sent_at) == ("delivered", None)
    assert [s.status for s in history(db, row.id)] == ["delivered"]


def test_rows_sent_by_one_request_move_together_beside_the_others(db, redis, config):
    """A request's rows share its message id: one move of their ids; a failure, a row sent
    alone and a row a receipt moved on meanwhile are recorded as each of their own."""
    contact = factories.contact()
    rows = [Notification(id=new_uuid(), contact_id=contact.id, channel="email",
                         category="orders", status="sending", attempts=1, provider="sendgrid",
                         due_at=utcnow()) for _ in range(SHARED_ANSWER + 3)]
    db.session.add_all(rows)
    db.session.commit()
    together, (alone, failing, receipted) = rows[:SHARED_ANSWER], rows[SHARED_ANSWER:]
    apply_receipts(db.session, "sendgrid", [Receipt(S.DELIVERED, "delivered", event_id="e1",
                                                     notification_id=str(receipted.id))], None)

    def outcome(row, result):
        claimed = SimpleNamespace(id=row.id, attempts=1, channel="email", address=None,
                                  device_id=None, category="orders")
        return Outcome(claimed, "sendgrid", result)

    error = TransientError("try later", code="503")
    outcomes = [outcome(r, SendResult(str(r.id), provider_message_id="request-1"))
                for r in [*together, receipted]]
    outcomes += [outcome(alone, SendResult(str(alone.id), provider_message_id="request-2")),
                 outcome(failing, SendResult(str(failing.id), error=error))]
    now = utcnow()
    counts = record_outcomes(db.session, redis, config, outcomes, now)
    db.session.commit()
    db.session.expire_all()
    assert counts == {"sent": SHARED_ANSWER + 1, "retrying": 1}
    for row in [*together, alone]:
        assert (row.status, row.sent_at, row.due_at, row.provider_message_id) == (
            "sent", now, None, "request-2" if row is alone else "request-1")
        [step] = history(db, row.id)
        assert (step.status, step.provider, step.detail, step.error_code, step.at) == (
            "sent", "sendgrid", row.provider_message_id, None, now)
    assert (failing.status, failing.error_code) == ("retrying", "503")
    assert [s.error_code for s in history(db, failing.id)] == ["503"]
    assert (receipted.status, receipted.sent_at) == ("delivered", None)
    assert [s.status for s in history(db, receipted.id)] == ["delivered"]


def test_a_receipt_never_moves_a_row_backwards(db):
    rows = rows_in_every_status(db)
    late = [Receipt(S.FAILED, "bounced", notification_id=str(rows[S.DELIVERED].id),
                    event_id="e1"),
            Receipt(S.DELIVERED, "delivered", notification_id=str(rows[S.FAILED].id),
                    event_id="e2")]
    apply_receipts(db.session, "sendgrid", late, None)
    db.session.expire_all()
    assert (rows[S.DELIVERED].status, rows[S.FAILED].status) == ("delivered", "failed")
    assert db.session.scalars(select(NotificationStatus)).all() == []


def test_the_sweeper_writes_history_for_every_row_it_moves(db, redis, config):
    contact = factories.contact()
    now = utcnow()
    due = now - timedelta(seconds=1)
    rows = {s: Notification(id=new_uuid(), contact_id=contact.id, channel="sms",
                            category="orders", status=s.value, attempts=1, due_at=due)
            for s in (S.ACCEPTED, S.RETRYING, S.QUEUED, S.SENDING)}
    db.session.add_all(rows.values())
    db.session.commit()
    counts = sweep(db.session, redis, config, now=now)
    assert (counts["released"], counts["requeued"], counts["recovered"]) == (2, 1, 1)
    db.session.expire_all()
    why = {S.ACCEPTED: "due", S.RETRYING: "due", S.QUEUED: "job lost",
           S.SENDING: "lease expired"}
    for status, row in rows.items():
        assert (row.status, row.queued_at) == ("queued", now)
        [step] = history(db, row.id)
        assert (step.status, step.detail, step.at) == ("queued", why[status], now)


@pytest.mark.parametrize("extra", [0, FEW], ids=["few rows", "many rows"])
def test_dispatch_writes_the_first_history_row_with_its_time(db, extra):
    contact = factories.contact()
    now = utcnow()
    outcomes = ((S.QUEUED, None), (S.ACCEPTED, "quiet_hours"), (S.SUPPRESSED, "opted_out"))
    rows = [{"id": new_uuid(), "contact_id": contact.id, "channel": "sms",
             "category": "orders", "status": s, "reason": reason, "content": {"n": n}}
            for n, (s, reason) in enumerate([*outcomes, *[(S.QUEUED, None)] * extra])]
    record_created(db.session, rows, now)
    db.session.commit()
    found = {n.status: n for n in db.session.scalars(select(Notification))}
    assert found["queued"].queued_at == now and found["accepted"].queued_at is None
    assert (found["suppressed"].source, found["suppressed"].attempts) == ("api", 0)  # defaults
    assert {n.id: n.content for n in db.session.scalars(select(Notification))} == {
        r["id"]: {"n": n} for n, r in enumerate(rows)}
    steps = {(h.status, h.detail, h.at) for h in db.session.scalars(select(NotificationStatus))}
    assert steps == {("queued", None, now), ("accepted", "quiet_hours", now),
                     ("suppressed", "opted_out", now)}
    assert db.session.query(NotificationStatus).count() == len(rows)


@pytest.mark.parametrize("extra", [0, FEW], ids=["few rows", "many rows"])
def test_new_rows_keep_every_kind_of_value(db, extra):
    """A few rows go in as one JSON document, many by COPY: either way each value reads
    back as it was given (times in any zone, text beyond ASCII, JSON, no content)."""
    contact = factories.contact()
    now = utcnow()
    at = datetime(2027, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    given = {"id": new_uuid(), "contact_id": contact.id, "campaign_id": 2**40,
             "channel": "email", "category": "orders", "status": S.ACCEPTED,
             "address": "zoë@例え.jp", "content": {"subject": "Ça va? \u2603", "n": [1, 2.5, None]},
             "send_at": at, "due_at": at, "variant": 3, "reason": "scheduled",
             "payload_hash": "ab" * 32}
    rows = [given, *({**given, "id": new_uuid(), "content": None} for _ in range(extra))]
    record_created(db.session, rows, now)
    db.session.commit()
    found = db.session.get(Notification, given["id"])
    for key, value in given.items():
        assert getattr(found, key) == value, key
    assert found.send_at.utcoffset() == timedelta(0)  # stored in UTC
    assert (found.created_at, found.updated_at, found.queued_at) == (now, now, None)
    empty = db.session.scalars(select(Notification.content).where(
        Notification.id != given["id"])).all()
    assert empty == [None] * extra


def test_a_naive_time_is_refused(db):
    row = {"id": new_uuid(), "channel": "sms", "category": "orders", "status": S.QUEUED,
           "send_at": datetime(2027, 1, 1)}
    with pytest.raises((ValueError, StatementError)):
        record_created(db.session, [row], utcnow())
