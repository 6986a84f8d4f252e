"""The migration that partitions the events converts a database made before it, row for row."""
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.core.ops import partitions
from app.extensions import db as _db
from app.extensions import upgrade
from app.models.types import new_uuid
from tests.test_log_migration import _insert_old_log, old_database  # noqa: F401

BEFORE = "5d1e7a3c9b20"


def _old_events(conn) -> dict:
    """{old id: (at, kind, notification id, once-only key)} of every event."""
    return {row.id: (row.at, row.kind, str(row.notification_id), row.dedupe_key)
            for row in conn.execute(sa.text(
                "SELECT id, at, kind, notification_id, dedupe_key FROM events"))}


def test_unpartitioned_events_are_converted_without_losing_a_row(old_database):  # noqa: F811
    with old_database.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            _insert_old_log(conn)
            conn.execute(sa.text("UPDATE events SET dedupe_key = 'id:app-' || id "
                                 "WHERE id % 10 = 0"))
            before = _old_events(conn)
        upgrade()
        with _db.engine.begin() as conn:
            rows = conn.execute(sa.text(
                "SELECT id, at, kind, notification_id FROM events")).all()
            assert len(rows) == len(before) == 200
            ids = [uuid.UUID(str(r.id)) for r in rows]
            assert len(set(ids)) == 200 and {i.version for i in ids} == {7}
            # Each row keeps what it held, and its new id carries its old number and its time
            # (on PostgreSQL, today's rows a time before today: the converted rows' partition).
            today = datetime.now(UTC).date()
            cap = partitions.day_start(today) - timedelta(milliseconds=1)
            for row, id_ in zip(rows, ids, strict=True):
                at, kind, notification, _ = before[id_.int & (1 << 60) - 1]
                assert (row.at, row.kind, str(row.notification_id)) == (at, kind, notification)
                if isinstance(at, str):  # SQLite's text
                    at = datetime.fromisoformat(at).replace(tzinfo=UTC)
                made = min(at, cap) if conn.dialect.name == "postgresql" else at
                assert abs(partitions.id_time(id_) - made) < timedelta(milliseconds=2)
            keys = {key: uuid.UUID(str(id_)) for key, id_ in conn.execute(sa.text(
                "SELECT key, event_id FROM event_keys")).all()}
            assert keys == {f"id:app-{old}": next(
                i for i in ids if i.int & (1 << 60) - 1 == old)
                for old, held in before.items() if held[3]} and len(keys) == 20
            if conn.dialect.name != "postgresql":
                return
            assert partitions.is_partitioned(conn, "events")
            names = [p.name for p in partitions.partitions(conn, "events")]
            assert names[0] == "events_legacy"
            assert f"events_p{today + timedelta(days=7):%Y%m%d}" in names
            assert conn.scalar(sa.text("SELECT count(*) FROM events_legacy")) == 200
            # A new event lands in today's partition. Naming no contact it is stored too: the
            # contact's foreign key went later (a8c0e2f4b6d8).
            new = new_uuid()
            conn.execute(sa.text("INSERT INTO events (id, contact_id, kind, at) "
                                 "VALUES (:id, 1, 'opened', now())"), {"id": new})
            assert conn.scalar(sa.text("SELECT tableoid::regclass::text FROM events "
                                       "WHERE id = :id"), {"id": new}) \
                == f"events_p{today:%Y%m%d}"
            conn.execute(sa.text("INSERT INTO events (id, contact_id, kind, at) "
                                 "VALUES (:id, 999, 'opened', now())"),
                         {"id": uuid.UUID(int=new.int + 1)})
