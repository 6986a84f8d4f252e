"""the log in day partitions (PostgreSQL), retention policies and daily rollups

notifications and notification_statuses become tables partitioned by RANGE of the
notification's id (a UUIDv7: its creation time). The existing rows are copied, whole, into
one partition that ends where today starts; days from today on get a partition each, and
the scheduler keeps making them ahead. Foreign keys that point at the log go (retention
drops its days whole), so do they on SQLite, where the tables stay plain.

Revision ID: b7d41e0c9a62
Revises: e4a7c2f91b30
Create Date: 2026-12-04 19:40:00.000000

"""
import uuid
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "b7d41e0c9a62"
down_revision = "e4a7c2f91b30"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AHEAD_DAYS = 7
REFERRING = ("notification_statuses", "events", "tracked_links", "short_links")
# (table, partition key, primary key, sequence of its id)
LOG = (("notifications", "id", "id", None),
       ("notification_statuses", "notification_id", "id, notification_id",
        "notification_statuses_id_seq"))
CAMPAIGN_ROW = ("CREATE UNIQUE INDEX {partition}_campaign_row ON {partition} "
                "(campaign_run_id, contact_id, channel, COALESCE(device_id, 0)) "
                "WHERE campaign_run_id IS NOT NULL")


def _first_id(at: datetime) -> uuid.UUID:
    return uuid.UUID(int=int(at.timestamp() * 1000) << 80)


def _partition(table: str, key: str, pk: str, sequence: str | None, today) -> None:
    """Copy `table` into a partitioned table of the same name, rows and indexes."""
    conn = op.get_bind()
    indexes = conn.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t "
        "AND indexname NOT IN (:pkey, 'uq_notifications_campaign_row')"),
        {"t": table, "pkey": f"{table}_pkey"}).all()
    foreign = conn.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = to_regclass(:t)"), {"t": table}).all()
    new = f"{table}_partitioned"
    op.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
               f"PARTITION BY RANGE ({key})")
    start = datetime.combine(today, time(), UTC)
    op.execute(f"CREATE TABLE {table}_legacy PARTITION OF {new} "
               f"FOR VALUES FROM (MINVALUE) TO ('{_first_id(start)}')")
    names = [f"{table}_legacy"]
    for offset in range(AHEAD_DAYS + 1):
        day = start + timedelta(days=offset)
        name = f"{table}_p{day:%Y%m%d}"
        op.execute(f"CREATE TABLE {name} PARTITION OF {new} FOR VALUES FROM "
                   f"('{_first_id(day)}') TO ('{_first_id(day + timedelta(days=1))}')")
        names.append(name)
    op.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    if sequence:
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")
    if sequence:
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {table}.id")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({pk})")
    for name, definition in foreign:
        if "REFERENCES notifications(" not in definition:
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for _name, definition in indexes:
        op.execute(definition)
    if table == "notifications":
        for name in names:
            op.execute(CAMPAIGN_ROW.format(partition=name))


def _drop_foreign_keys_sqlite() -> None:
    """SQLite: rebuild the tables that point at the log without those foreign keys."""
    conn = op.get_bind()
    for table in REFERRING:
        copy = sa.Table(table, sa.MetaData(), autoload_with=conn)
        for fk in [c for c in copy.constraints if isinstance(c, sa.ForeignKeyConstraint)
                   and c.referred_table.name == "notifications"]:
            copy.constraints.discard(fk)
            for element in fk.elements:
                element.parent.foreign_keys.discard(element)
        with op.batch_alter_table(table, copy_from=copy, recreate="always"):
            pass


def upgrade():
    op.create_table(
        "retention_policies",
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("table_name"),
    )
    op.create_table(
        "notification_rollups",
        sa.Column("id", BigId, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", BigId, nullable=True),
        sa.Column("campaign_run_id", BigId, nullable=True),
        sa.Column("variant", sa.SmallInteger(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_rollups_day", "notification_rollups", ["day"])
    op.create_index("ix_notification_rollups_run", "notification_rollups",
                    ["campaign_run_id"], postgresql_where=sa.text("campaign_run_id IS NOT NULL"),
                    sqlite_where=sa.text("campaign_run_id IS NOT NULL"))
    if op.get_bind().dialect.name != "postgresql":
        _drop_foreign_keys_sqlite()
        return
    for table in REFERRING:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_notification_id_fkey")
    today = op.get_bind().scalar(sa.text("SELECT (now() AT TIME ZONE 'UTC')::date"))
    for table, key, pk, sequence in LOG:
        _partition(table, key, pk, sequence, today)


def downgrade():
    raise NotImplementedError("the partitioned log is not turned back into plain tables")
