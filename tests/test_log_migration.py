"""The migration that partitions the log converts a database made before it, row for row."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.ops import partitions
from app.extensions import db as _db
from app.extensions import upgrade
from app.models.types import utcnow
from tests.helpers.console import app_with

BEFORE = "e4a7c2f91b30"


@pytest.fixture()
def old_database(app, database_url, tmp_path):
    """An app on an empty database of its own, and its URL."""
    if not database_url.startswith("postgresql"):
        yield app_with(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
        return
    base, name = database_url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}_old WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}_old"))
    old = app_with(app, SQLALCHEMY_DATABASE_URI=f"{base}/{name}_old")
    yield old
    with old.app_context():
        _db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}_old WITH (FORCE)"))
    admin.dispose()


def _insert_old_log(conn, days: int = 5, per_day: int = 40) -> list[uuid.UUID]:
    now = utcnow()
    conn.execute(sa.text("INSERT INTO contacts (id, external_id, attributes, tags, "
                         "created_at, updated_at) VALUES (1, 'ada', '{}', '[]', :now, :now)"),
                 {"now": now})
    stored = (lambda i: i) if conn.dialect.name == "postgresql" else (lambda i: i.hex)
    ids = []
    for day in range(days):
        at = now - timedelta(days=day)
        for n in range(per_day):
            id_ = uuid.UUID(int=partitions.first_id(at).int | (day * 1000 + n + 1))
            ids.append(id_)
            conn.execute(sa.text(
                "INSERT INTO notifications (id, source, contact_id, campaign_run_id, channel, "
                "category, status, attempts, created_at, updated_at, address) VALUES "
                "(:id, 'campaign', 1, :run, :channel, 'orders', 'delivered', 1, :at, :at, "
                "'ada@example.com')"),
                {"id": stored(id_), "at": at, "run": day + 1 if n < 3 else None,
                 "channel": ("email", "sms", "push")[n % 3]})
            conn.execute(sa.text(
                "INSERT INTO notification_statuses (notification_id, status, attempt, at) "
                "VALUES (:id, 'queued', 0, :at), (:id, 'delivered', 1, :at)"),
                {"id": stored(id_), "at": at})
            conn.execute(sa.text(
                "INSERT INTO events (notification_id, contact_id, kind, machine, at) "
                "VALUES (:id, 1, 'opened', false, :at)"), {"id": stored(id_), "at": at})
    return ids


def _counts(conn) -> dict:
    return {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}"))
            for t in ("notifications", "notification_statuses", "events")}


def test_an_unpartitioned_log_is_converted_without_losing_a_row(old_database):
    with old_database.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            ids = _insert_old_log(conn)
            before = _counts(conn)
        upgrade()
        with _db.engine.begin() as conn:
            assert _counts(conn) == before == {"notifications": 200,
                                               "notification_statuses": 400, "events": 200}
            kept = {uuid.UUID(str(i)) for i in conn.scalars(sa.text(
                "SELECT id FROM notifications"))}
            assert kept == set(ids)
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM notification_statuses s JOIN notifications n "
                "ON n.id = s.notification_id")) == 400
            if conn.dialect.name != "postgresql":
                return
            assert partitions.is_partitioned(conn, "notifications")
            names = [p.name for p in partitions.partitions(conn, "notifications")]
            today = datetime.now(UTC).date()
            assert names[0] == "notifications_legacy"
            assert f"notifications_p{today + timedelta(days=7):%Y%m%d}" in names
            # The old rows are in the converted partition; the run key still holds there.
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM notifications_legacy")) >= 160
            with pytest.raises(sa.exc.IntegrityError, match="campaign_row"), conn.begin_nested():
                conn.execute(sa.text(
                    "INSERT INTO notifications (id, source, contact_id, campaign_run_id, "
                    "channel, category, status, attempts, created_at, updated_at) SELECT "
                    ":id, source, contact_id, campaign_run_id, channel, category, status, "
                    "attempts, created_at, updated_at FROM notifications WHERE id = :old"),
                    {"id": uuid.UUID(int=ids[-1].int + 10_000), "old": ids[-1 - 39]})
            # No foreign key to contacts is left on PostgreSQL: what deletes a contact
            # clears its rows itself (tests/core/test_erasure.py).
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND "
                "conrelid = 'notifications'::regclass AND confrelid = 'contacts'::regclass")) == 0
