"""events in day partitions (PostgreSQL) on UUIDv7 ids, their once-only keys apart, and
their daily rollups

events becomes a table partitioned by RANGE of its id, now a UUIDv7 (when the event was
stored), like the log. An existing row's new id is made from its time and its old number
(so each stays unique and its once-only key follows it); the rows are copied, whole, into
one partition that ends where today starts, and days from today on get a partition each.
The once-only keys move to event_keys (a partitioned table cannot hold a unique key on
them). SQLite keeps a plain table, with the same new ids.

Revision ID: 3f8c1d2e6a75
Revises: 5d1e7a3c9b20
Create Date: 2026-12-04 22:30:00.000000

"""
import uuid
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models.types

revision = "3f8c1d2e6a75"
down_revision = "5d1e7a3c9b20"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AHEAD_DAYS = 7
COLUMNS = ("notification_id", "contact_id", "kind", "campaign_run_id", "variant", "channel",
           "provider", "url", "link_id", "machine", "reason", "ip", "user_agent", "value",
           "currency", "data", "at")
# The new id: 48 bits of milliseconds, version 7, variant 2, the old number in the rest.
PG_ID = ("(lpad(to_hex(floor(extract(epoch from least(at, :cap)) * 1000)::bigint), 12, '0') "
         "|| '70008' || lpad(to_hex(id), 15, '0'))::uuid")
SQLITE_ID = ("printf('%012x70008%015x', "
             "CAST(round((julianday(at) - 2440587.5) * 86400000) AS INTEGER), id)")


def _first_id(at: datetime) -> uuid.UUID:
    return uuid.UUID(int=int(at.timestamp() * 1000) << 80)


def _events_table(name: str, partitioned: bool) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=True),
        sa.Column("contact_id", BigId, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("campaign_run_id", BigId, nullable=True),
        sa.Column("variant", sa.SmallInteger(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("link_id", BigId, nullable=True),
        sa.Column("machine", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("value", sa.Numeric(18, 4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                 "postgresql"), nullable=True),
        sa.Column("at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="SET NULL",
                                name="events_contact_id_fkey"),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_links.id"], ondelete="SET NULL",
                                name="fk_events_link_id_tracked_links"),
        sa.PrimaryKeyConstraint("id", name=f"{name}_pkey"),
        **({"postgresql_partition_by": "RANGE (id)"} if partitioned else {}),
    )


def _events_indexes() -> None:
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_events_contact_id", "events", ["contact_id"])
    op.create_index("ix_events_notification_id", "events", ["notification_id"])
    op.create_index("ix_events_kind_at_contact", "events",
                    ["kind", "machine", "at", "contact_id"])
    op.create_index("ix_events_campaign_run", "events", ["campaign_run_id", "kind"],
                    postgresql_where=sa.text("campaign_run_id IS NOT NULL"),
                    sqlite_where=sa.text("campaign_run_id IS NOT NULL"))


def _new_tables() -> None:
    op.create_table(
        "event_keys",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_event_keys_event_id", "event_keys", ["event_id"])
    op.create_table(
        "event_rollups",
        sa.Column("id", BigId, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_run_id", BigId, nullable=True),
        sa.Column("variant", sa.SmallInteger(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("machine_events", sa.BigInteger(), nullable=False),
        sa.Column("notifications", sa.BigInteger(), nullable=False),
        sa.Column("humans", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_rollups_day", "event_rollups", ["day"])
    op.create_index("ix_event_rollups_run", "event_rollups", ["campaign_run_id"],
                    postgresql_where=sa.text("campaign_run_id IS NOT NULL"),
                    sqlite_where=sa.text("campaign_run_id IS NOT NULL"))


def _partitions(today) -> None:
    """The converted rows' partition up to today, then a partition per day ahead."""
    start = datetime.combine(today, time(), UTC)
    op.execute("CREATE TABLE events_legacy PARTITION OF events_partitioned "
               f"FOR VALUES FROM (MINVALUE) TO ('{_first_id(start)}')")
    for offset in range(AHEAD_DAYS + 1):
        day = start + timedelta(days=offset)
        op.execute(f"CREATE TABLE events_p{day:%Y%m%d} PARTITION OF events_partitioned "
                   f"FOR VALUES FROM ('{_first_id(day)}') TO "
                   f"('{_first_id(day + timedelta(days=1))}')")


def upgrade():
    _new_tables()
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    new_id = PG_ID if postgres else SQLITE_ID
    params = {}
    if postgres:
        today = conn.scalar(sa.text("SELECT (now() AT TIME ZONE 'UTC')::date"))
        # A converted row's id falls before today, in the converted rows' partition.
        params["cap"] = datetime.combine(today, time(), UTC) - timedelta(milliseconds=1)
    _events_table("events_partitioned", partitioned=postgres)
    if postgres:
        _partitions(today)
    columns = ", ".join(COLUMNS)
    conn.execute(sa.text(f"INSERT INTO events_partitioned (id, {columns}) "
                         f"SELECT {new_id}, {columns} FROM events"), params)
    conn.execute(sa.text(f"INSERT INTO event_keys (key, event_id) SELECT dedupe_key, {new_id} "
                         "FROM events WHERE dedupe_key IS NOT NULL"), params)
    op.drop_table("events")
    op.rename_table("events_partitioned", "events")
    if postgres:  # the constraints keep the names they were made with
        op.execute("ALTER TABLE events RENAME CONSTRAINT events_partitioned_pkey TO events_pkey")
    _events_indexes()


def downgrade():
    raise NotImplementedError("the partitioned events are not turned back into a plain table")
