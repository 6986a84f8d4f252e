"""The log's day partitions on PostgreSQL: made ahead of time, listed, and dropped whole.

The events table is partitioned the same way, on its own UUIDv7 id (when it was stored).

notifications is partitioned by RANGE of its id, a UUIDv7 whose first 48 bits are its
creation time in milliseconds: a day is the id range [first id of the day, first id of
the next day). Its status history is partitioned by the same ranges of its notification's
id, so a notification and its history live in partitions of the same day, and every
lookup by id (claim, outcome, receipt, history) reads one partition. There is no default
partition: ahead-creation is guaranteed instead (the scheduler makes AHEAD_DAYS each
hour, the migration and `flask log partitions` too), which keeps dropping a day free of
any lock a send waits on (DETACH … CONCURRENTLY is refused while a default exists).

SQLite keeps plain tables: nothing here runs there.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import sleep

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

AHEAD_DAYS = 7  # days of partitions kept ready past today


@dataclass(frozen=True)
class LogTable:
    name: str  # the partitioned table
    key: str  # its partition key: a UUIDv7 column
    retention: str  # the retention policy that drops its days (app.core.ops.retention)
    # Unique indexes each partition holds on its own (a partitioned table cannot).
    local_indexes: tuple[str, ...] = ()


CAMPAIGN_ROW = ("CREATE UNIQUE INDEX IF NOT EXISTS {partition}_campaign_row ON {partition} "
                "(campaign_run_id, contact_id, channel, COALESCE(device_id, 0)) "
                "WHERE campaign_run_id IS NOT NULL")
NOTIFICATIONS = LogTable("notifications", "id", "notifications", (CAMPAIGN_ROW,))
HISTORY = LogTable("notification_statuses", "notification_id", "history")
EVENTS = LogTable("events", "id", "events")
TABLES = (NOTIFICATIONS, HISTORY, EVENTS)


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    start: datetime | None  # None: from the beginning (the log converted by the migration)
    end: datetime
    rows: int  # the planner's estimate (pg_class.reltuples), -1 when never analysed
    bytes: int


def first_id(at: datetime) -> uuid.UUID:
    """The lowest UUIDv7 made at `at` (a day's lower bound)."""
    return uuid.UUID(int=int(at.timestamp() * 1000) << 80)


def id_time(value: uuid.UUID) -> datetime:
    """When a UUIDv7 was made (to the millisecond)."""
    return datetime.fromtimestamp((value.int >> 80) / 1000, UTC)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def partition_name(table: str, day: date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def is_partitioned(conn, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.scalar(text("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table "
                                 "WHERE partrelid = to_regclass(:t))"), {"t": table}))


def create_day(conn, table: LogTable, day: date) -> bool:
    """Create the day's partition of `table` unless it exists; return whether it was made."""
    name = partition_name(table.name, day)
    if conn.scalar(text("SELECT to_regclass(:n)"), {"n": name}) is not None:
        return False
    low, high = first_id(day_start(day)), first_id(day_start(day + timedelta(days=1)))
    conn.execute(text(f"CREATE TABLE {name} PARTITION OF {table.name} "
                      f"FOR VALUES FROM ('{low}') TO ('{high}')"))
    for ddl in table.local_indexes:
        conn.execute(text(ddl.format(partition=name)))
    return True


def ensure_ahead(conn, today: date, ahead: int = AHEAD_DAYS) -> list[str]:
    """Make every missing day partition from today to `ahead` days on; return their names.

    Days already covered (the converted log's partition ends at the start of the day the
    migration ran) are skipped.
    """
    made = []
    for table in TABLES:
        if not is_partitioned(conn, table.name):
            continue
        covered_until = _covered_until(conn, table.name)
        for offset in range(ahead + 1):
            day = today + timedelta(days=offset)
            if covered_until is not None and day_start(day + timedelta(days=1)) <= covered_until:
                continue
            if create_day(conn, table, day):
                made.append(partition_name(table.name, day))
    return made


def _covered_until(conn, table: str) -> datetime | None:
    """The end of the partition that starts from MINVALUE (the converted log), if any."""
    ends = [p.end for p in partitions(conn, table) if p.start is None]
    return max(ends, default=None)


_BOUND = re.compile(r"FROM \((?:'([0-9a-f-]+)'|MINVALUE)\) TO \('([0-9a-f-]+)'\)")


def partitions(conn, table: str) -> list[Partition]:
    """The partitions of a log table, oldest first, with row estimates and sizes."""
    rows = conn.execute(text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint, "
        "pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c "
        "ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t)"), {"t": table}).all()
    found = []
    for name, bound, estimate, size in rows:
        match = _BOUND.search(bound or "")
        if not match:
            continue
        start = id_time(uuid.UUID(match[1])) if match[1] else None
        found.append(Partition(table, name, start, id_time(uuid.UUID(match[2])),
                               int(estimate), int(size)))
    return sorted(found, key=lambda p: p.end)


def detach_and_drop(engine, table: str, partition: str, lock_timeout_ms: int = 5000) -> None:
    """Detach a partition without blocking writes to the table, then drop it.

    DETACH … CONCURRENTLY takes only a SHARE UPDATE EXCLUSIVE lock on the parent (inserts
    and updates go on) and must run outside a transaction, hence its own connection. The
    detached table's foreign keys go one by one before it does: dropping a table with its
    foreign keys locks every table they point at (contacts, devices …) ACCESS EXCLUSIVE,
    which deadlocked with sends; one foreign key at a time still locks the table it points
    at, briefly, so each gives way to sends after a short wait and tries again.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            _detach_and_drop(conn, table, partition, lock_timeout_ms)
        finally:  # SET outlives the statement: the pooled connection must not keep it
            conn.execute(text("RESET lock_timeout"))


def _detach_and_drop(conn, table: str, partition: str, lock_timeout_ms: int) -> None:
    conn.execute(text(f"SET lock_timeout = {int(lock_timeout_ms)}"))
    pending = conn.scalar(text("SELECT inhdetachpending FROM pg_inherits WHERE "
                               "inhrelid = to_regclass(:p)"), {"p": partition})
    if pending:  # an earlier detach was interrupted: finish it
        conn.execute(text(f"ALTER TABLE {table} DETACH PARTITION {partition} FINALIZE"))
    elif pending is not None:
        conn.execute(text(f"ALTER TABLE {table} DETACH PARTITION {partition} CONCURRENTLY"))
    foreign = conn.scalars(text("SELECT conname FROM pg_constraint WHERE contype = 'f' "
                                "AND conrelid = to_regclass(:p)"), {"p": partition}).all()
    for name in foreign:
        _briefly(conn, f'ALTER TABLE {partition} DROP CONSTRAINT "{name}"')
    conn.execute(text(f"DROP TABLE IF EXISTS {partition}"))


def _briefly(conn, ddl: str, wait_ms: int = 200, tries: int = 50) -> None:
    """Run DDL that locks a table sends read (an FK's triggers on contacts) waiting at most
    `wait_ms` each try: while it waits, the sends queue behind it, so it gives way often."""
    conn.execute(text(f"SET lock_timeout = {int(wait_ms)}"))
    for attempt in range(tries):
        try:
            conn.execute(text(ddl))
            return
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03" or attempt == tries - 1:
                raise
            sleep(wait_ms / 1000 * 2)


_PARTITION_NAME = re.compile(rf"^({'|'.join(t.name for t in TABLES)})_(p\d{{8}}|legacy)$")


# The log's foreign keys that only SQLite keeps (dropping one there rebuilds the table).
_SQLITE_ONLY_KEYS = {("notifications", "api_keys"), ("notifications", "contacts"),
                     ("notifications", "devices"), ("notifications", "template_versions")}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the day partitions and each partition's own unique index are
    made by this module, not by the models; the history's index on notification_id is
    compared only where it exists (SQLite: on PostgreSQL the primary key, leading with
    notification_id, stands for it); the log's keys SQLite alone keeps are not the
    models' either."""
    if type_ == "table":
        return not _PARTITION_NAME.match(name or "")
    if type_ == "index" and name == "ix_notification_statuses_notification_id":
        return compare_to is not None
    if type_ == "foreign_key_constraint" and reflected and compare_to is None:
        return (obj.parent.name, obj.referred_table.name) not in _SQLITE_ONLY_KEYS
    return not (type_ == "index" and name == "uq_notifications_campaign_row")
