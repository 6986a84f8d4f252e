"""the history's primary key leads with its notification (PostgreSQL)

Every status move writes a history row, and each row paid for two index entries: the
primary key (id, notification_id) and the index on notification_id that every read of a
notification's history uses. Nothing reads the history by id, so the primary key now
leads with notification_id (the same columns, so the same uniqueness) and serves those
reads: one index entry per row instead of two.

SQLite keeps its integer primary key and the index on notification_id.

Revision ID: d3b5f7a9c1e4
Revises: a4c6e8f0b2d1
Create Date: 2026-12-06 05:05:00.000000

"""
from alembic import op

revision = "d3b5f7a9c1e4"
down_revision = "a4c6e8f0b2d1"
branch_labels = None
depends_on = None

INDEX = "ix_notification_statuses_notification_id"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE notification_statuses DROP CONSTRAINT notification_statuses_pkey")
    op.execute("ALTER TABLE notification_statuses ADD CONSTRAINT notification_statuses_pkey "
               "PRIMARY KEY (notification_id, id)")
    op.drop_index(INDEX, table_name="notification_statuses")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(INDEX, "notification_statuses", ["notification_id"])
    op.execute("ALTER TABLE notification_statuses DROP CONSTRAINT notification_statuses_pkey")
    op.execute("ALTER TABLE notification_statuses ADD CONSTRAINT notification_statuses_pkey "
               "PRIMARY KEY (id, notification_id)")
