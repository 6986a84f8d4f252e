"""The log's day partitions (PostgreSQL): made ahead, across months, found by id."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from app.core.analytics import funnel
from app.core.ops import partitions, retention
from app.models import Event, Notification, NotificationRollup, NotificationStatus
from tests import factories
from tests.ops.conftest import uuid7_at

pytestmark = [pytest.mark.postgresql, pytest.mark.usefixtures("log_partitions")]


def where_is(session, table: str, key: str, value) -> str:
    return session.scalar(text(f"SELECT tableoid::regclass::text FROM {table} "
                               f"WHERE {key} = :v"), {"v": value})


def test_days_are_made_ahead_across_a_month_boundary(log_partitions):
    session = log_partitions
    made = partitions.ensure_ahead(session.connection(), date(2031, 1, 29), ahead=4)
    days = ["20310129", "20310130", "20310131", "20310201", "20310202"]
    assert made == [f"{t}_p{d}" for t in ("notifications", "notification_statuses", "events")
                    for d in days]
    assert partitions.ensure_ahead(session.connection(), date(2031, 1, 29), ahead=4) == []
    ours = [p for p in partitions.partitions(session.connection(), "notifications")
            if p.start and p.start.year == 2031]
    assert [p.start.date() for p in ours] == [date(2031, 1, 29) + timedelta(days=n)
                                             for n in range(5)]
    assert all(a.end == b.start for a, b in zip(ours, ours[1:], strict=False))

    contact = factories.contact()
    last_ms = uuid7_at(datetime(2031, 1, 31, 23, 59, 59, 999000, UTC))
    first_ms = uuid7_at(datetime(2031, 2, 1, tzinfo=UTC))
    for id_ in (last_ms, first_ms):
        factories.notification(contact, id=id_, history=[("accepted", None)])
    assert where_is(session, "notifications", "id", last_ms) == "notifications_p20310131"
    assert where_is(session, "notifications", "id", first_ms) == "notifications_p20310201"
    assert where_is(session, "notification_statuses", "notification_id", first_ms) \
        == "notification_statuses_p20310201"
    assert session.get(Notification, first_ms).contact_id == contact.id
    for id_ in (last_ms, first_ms):
        session.add(Event(id=id_, notification_id=id_, kind="opened", at=partitions.id_time(id_)))
    session.flush()
    assert where_is(session, "events", "id", last_ms) == "events_p20310131"
    assert where_is(session, "events", "id", first_ms) == "events_p20310201"


def test_a_lookup_by_id_reads_one_partition(log_partitions):
    session = log_partitions
    partitions.ensure_ahead(session.connection(), date(2031, 3, 1), ahead=2)
    id_ = uuid7_at(datetime(2031, 3, 2, 8, tzinfo=UTC))
    plan = "\n".join(session.scalars(text(
        "EXPLAIN SELECT status FROM notifications WHERE id = :id"), {"id": id_}))
    assert "notifications_p20310302" in plan
    assert "notifications_p20310301" not in plan and "notifications_legacy" not in plan


def test_a_campaign_row_is_written_once_per_run(log_partitions, db):
    session = log_partitions
    contact = factories.contact()
    factories.notification(contact, campaign_run_id=5, channel="email")
    with pytest.raises(Exception, match="campaign_row"):
        factories.notification(contact, campaign_run_id=5, channel="email")
    session.rollback()


def _log_day(session, contact, day: datetime, run_id: int, status="delivered") -> None:
    factories.notification(contact, id=uuid7_at(day + timedelta(hours=12)), status=status,
                           campaign_run_id=run_id, channel="email", provider="sendgrid",
                           created_at=day + timedelta(hours=12),
                           history=[("queued", None), (status, None)])


def test_retention_drops_exactly_the_expired_days_and_keeps_their_counts(
        log_partitions, config, tmp_path):
    session = log_partitions
    base = datetime(2032, 6, 1, tzinfo=UTC)
    partitions.ensure_ahead(session.connection(), base.date(), ahead=3)
    session.commit()
    contact = factories.contact()
    for offset in range(4):
        _log_day(session, contact, base + timedelta(days=offset), run_id=41)
    _log_day(session, contact, base, run_id=42, status="accepted")  # unfinished
    _log_day(session, contact, base + timedelta(days=1), run_id=43)
    now = base + timedelta(days=2 + config.RETENTION_NOTIFICATIONS_DAYS)

    config.LOG_ARCHIVE_DIR = str(tmp_path)
    try:
        done = retention.apply(session, config, now)
    finally:
        config.LOG_ARCHIVE_DIR = ""

    names = {p.name for p in partitions.partitions(session.connection(), "notifications")}
    assert "notifications_p20320601" in names  # holds an unfinished row
    assert done.held == {"notifications_p20320601": 1}
    assert "notifications_p20320602" in done.dropped
    assert {"notifications_p20320602", "notifications_p20320603",
            "notifications_p20320604"} - names == {"notifications_p20320602"}
    history = {p.name for p in partitions.partitions(session.connection(),
                                                     "notification_statuses")}
    assert {f"notification_statuses_p2032060{d}" for d in range(1, 5)} & history == set()
    live = session.scalars(select(Notification.campaign_run_id)).all()
    assert sorted(live) == [41, 41, 41, 42]
    assert session.scalar(select(NotificationStatus.id).limit(1)) is None
    rolled = session.execute(select(NotificationRollup.day, NotificationRollup.campaign_run_id,
                                    NotificationRollup.status, NotificationRollup.rows)
                             .order_by(NotificationRollup.campaign_run_id)).all()
    assert rolled == [(date(2032, 6, 2), 41, "delivered", 1),
                      (date(2032, 6, 2), 43, "delivered", 1)]
    # The report counts the dropped day from its rollup, the others from the log.
    assert funnel.breakdown(session, [41]).total.delivered == 4
    assert funnel.breakdown(session, [43]).total.delivered == 1
    archived = tmp_path / "notifications_p20320602.csv.gz"
    assert str(archived) in done.archived and archived.stat().st_size > 0
    # The drop's short lock waits stay on its own connection, not on the pool's.
    engine = session.get_bind()
    held = [engine.connect() for _ in range(engine.pool.checkedin() + 1)]
    try:
        assert {c.scalar(text("SHOW lock_timeout")) for c in held} == {"0"}
    finally:
        for c in held:
            c.close()


def test_an_archive_loads_back_into_a_table_of_its_own(log_partitions, db, tmp_path):
    from app.core.ops import archive

    session = log_partitions
    contact = factories.contact()
    for n in range(3):
        factories.notification(contact, event_id=f"audit-{n}")
    path = archive.write(db.engine, "notifications", str(tmp_path))
    try:
        assert archive.load(db.engine, str(path), "audit_notifications", "notifications") == 3
        events = session.scalars(text("SELECT event_id FROM audit_notifications "
                                      "ORDER BY event_id")).all()
        assert events == ["audit-0", "audit-1", "audit-2"]
        with pytest.raises(ValueError, match="exists"):
            archive.load(db.engine, str(path), "audit_notifications", "notifications")
        with pytest.raises(ValueError, match="plain table name"):
            archive.load(db.engine, str(path), "x; DROP TABLE contacts", "notifications")
    finally:
        session.rollback()
        session.execute(text("DROP TABLE IF EXISTS audit_notifications"))
        session.commit()


def test_erasure_reaches_every_partition(log_partitions):
    from app.core.access.audit import Actor
    from app.core.contacts.store import erase_contact

    session = log_partitions
    partitions.ensure_ahead(session.connection(), date(2031, 5, 1), ahead=1)
    contact = factories.contact()
    ids = [uuid7_at(datetime(2031, 5, 1, 9, tzinfo=UTC)),
           uuid7_at(datetime(2031, 5, 2, 9, tzinfo=UTC)), None]
    for id_ in ids:
        extra = {"id": id_} if id_ else {}
        factories.notification(contact, address="ada@example.com", status="failed",
                               content={"html": "Hi Ada"}, error_message="ada@example.com",
                               history=[("failed", "550 ada@example.com", "550")], **extra)
    erase_contact(session, contact.external_id, actor=Actor("system"))
    session.commit()
    rows = session.execute(select(Notification.address, Notification.content,
                                  Notification.error_message, Notification.contact_id)).all()
    assert len(rows) == 3 and set(rows) == {(None, None, None, None)}
    assert session.scalars(select(NotificationStatus.detail)).all() == [None] * 3
    homes = {where_is(session, "notifications", "id", i) for i in ids[:2]}
    assert homes == {"notifications_p20310501", "notifications_p20310502"}


def _events_days(session, base: datetime) -> dict:
    """Three days of a campaign's events: a notification opened on the first day and again
    on the last (kept) one, one opened by a machine then by its reader, a machine click."""
    sent = {}
    for name, run in (("first", 51), ("second", 51), ("other", 52)):
        sent[name] = factories.notification(
            factories.contact(name, None, None), id=uuid7_at(base), campaign_run_id=run,
            channel="email", provider="sendgrid", created_at=base,
            history=[("delivered", None)])
    day = [base + timedelta(days=n, hours=10) for n in range(3)]
    for row, kind, at, machine in ((sent["first"], "opened", day[0], False),
                                   (sent["first"], "clicked", day[0], True),
                                   (sent["first"], "opened", day[2], False),
                                   (sent["second"], "opened", day[0], True),
                                   (sent["second"], "opened", day[1], False),
                                   (sent["other"], "opened", day[1], False)):
        factories.event(row, kind, at, id=uuid7_at(at), machine=machine)
    return sent


def _engaged(session, run: int) -> tuple:
    people, anyone = funnel.breakdown(session, [run]), funnel.breakdown(session, [run], False)
    return tuple((f.total.opened, f.total.clicked) for f in (people, anyone))


def test_retention_drops_expired_event_days_and_the_report_counts_them_the_same(
        log_partitions, config):
    from app.models import EventKey, EventRollup

    session = log_partitions
    base = datetime(2033, 3, 1, tzinfo=UTC)
    partitions.ensure_ahead(session.connection(), base.date(), ahead=3)
    session.commit()
    sent = _events_days(session, base)
    first_day_open = session.scalar(select(Event.id).where(
        Event.notification_id == sent["first"].id, Event.at < base + timedelta(days=1),
        Event.kind == "opened"))
    session.add(EventKey(key="opened:first", event_id=first_day_open))
    session.commit()
    before = {run: _engaged(session, run) for run in (51, 52)}
    assert before == {51: ((2, 0), (2, 1)), 52: ((1, 0), (1, 0))}

    done = retention.apply(session, config, base + timedelta(days=2 + config.RETENTION_EVENTS_DAYS))

    assert {"events_p20330301", "events_p20330302"} <= set(done.dropped)
    names = {p.name for p in partitions.partitions(session.connection(), "events")}
    assert {"events_p20330301", "events_p20330302"} & names == set()
    assert "events_p20330303" in names
    assert session.scalars(select(Event.at)).all() == [base + timedelta(days=2, hours=10)]
    assert session.scalar(select(EventKey.key)) is None
    rolled = session.execute(select(
        EventRollup.day, EventRollup.campaign_run_id, EventRollup.kind, EventRollup.events,
        EventRollup.machine_events, EventRollup.notifications, EventRollup.humans)
        .order_by(EventRollup.day, EventRollup.campaign_run_id, EventRollup.kind)).all()
    # The first notification's opens are counted on the day it is still in the log.
    assert rolled == [(date(2033, 3, 1), 51, "clicked", 1, 1, 1, 0),
                      (date(2033, 3, 1), 51, "opened", 2, 1, 0, 0),
                      (date(2033, 3, 2), 51, "opened", 1, 0, 1, 1),
                      (date(2033, 3, 2), 52, "opened", 1, 0, 1, 1)]
    assert {run: _engaged(session, run) for run in (51, 52)} == before


def test_erasure_removes_a_contacts_events_from_every_partition(log_partitions):
    from app.core.access.audit import Actor
    from app.core.contacts.store import erase_contact
    from app.models import EventKey

    session = log_partitions
    partitions.ensure_ahead(session.connection(), date(2031, 7, 1), ahead=1)
    ada, bob = factories.contact(), factories.contact("user-2", "bob@example.com", None)
    days = [datetime(2031, 7, 1, 9, tzinfo=UTC), datetime(2031, 7, 2, 9, tzinfo=UTC), None]
    for at in days:
        for who in (ada, bob):
            row = factories.notification(who, **({"id": uuid7_at(at)} if at else {}))
            event = factories.event(row, "clicked", at, ip="203.0.113.9", user_agent="Ada's",
                                    **({"id": uuid7_at(at)} if at else {}))
    session.add(EventKey(key="id:bobs", event_id=event.id))
    factories.event(row, "converted", contact_id=ada.id)  # Bob's message, counted for Ada
    homes = set(session.scalars(text("SELECT tableoid::regclass::text FROM events")))
    assert {"events_p20310701", "events_p20310702"} <= homes

    erase_contact(session, ada.external_id, actor=Actor("system"))
    session.commit()

    left = session.execute(select(Event.contact_id, Event.kind)).all()
    assert left == [(bob.id, "clicked")] * 3
    assert session.scalar(select(EventKey.key)) == "id:bobs"
