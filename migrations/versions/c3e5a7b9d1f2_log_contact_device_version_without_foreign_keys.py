"""the log's contact_id, device_id and template_version_id without foreign keys (PostgreSQL)

Every notification written checked its contact's row and locked it FOR KEY SHARE, one
query a row: about a quarter of PostgreSQL's CPU for a 1,000-recipient send. A push row
did the same for its device, and every row of a template send or a campaign for the same
template version: a third of PostgreSQL's CPU for a 1,000-device send. A send now locks
its contacts once, in the SELECT that reads them, and what deletes a contact (an erasure,
the demo's removal) clears its rows' contact_id and device_id, or deletes them, in the
same transaction, as the keys' ON DELETE SET NULL did: devices go only with their
contact. The only template versions ever deleted are unpublished drafts, which no send
names, and the demo's, whose rows its removal deletes first.

SQLite keeps its foreign keys, as for the api key's (a4c6e8f0b2d1).

Revision ID: c3e5a7b9d1f2
Revises: d3b5f7a9c1e4
Create Date: 2026-12-06 04:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d1f2"
down_revision = "d3b5f7a9c1e4"
branch_labels = None
depends_on = None

# The table each key refers to, and the log's column.
KEYS = {"contacts": "contact_id", "devices": "device_id",
        "template_versions": "template_version_id"}
FOREIGN_KEY = sa.text(
    "SELECT conname FROM pg_constraint WHERE contype = 'f' "
    "AND conrelid = 'notifications'::regclass AND confrelid = CAST(:table AS regclass)")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in KEYS:
        for name in op.get_bind().scalars(FOREIGN_KEY, {"table": table}).all():
            op.drop_constraint(name, "notifications", type_="foreignkey")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in KEYS.items():
        # Rows naming a row since gone (none, if every deletion cleared them) would fail.
        op.execute(f"UPDATE notifications SET {column} = NULL WHERE {column} IS NOT NULL "
                   f"AND NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.id = {column})")
        op.create_foreign_key(f"notifications_{column}_fkey", "notifications", table,
                              [column], ["id"], ondelete="SET NULL")
