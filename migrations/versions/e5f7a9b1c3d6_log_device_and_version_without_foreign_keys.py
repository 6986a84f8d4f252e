"""the log's device_id and template_version_id without foreign keys (PostgreSQL)

A push row's key checked its device's row and locked it FOR KEY SHARE, and every row of
a template send or a campaign checked and locked the same version's row: about a third
of PostgreSQL's CPU for a 1,000-device send. Devices are deleted only with their contact,
whose erasure clears its rows' device_id in the same transaction; the only versions ever
deleted are unpublished drafts, which no send names, and the demo's, whose rows its
removal deletes first.

SQLite keeps both keys, as for the api key's and the contact's (c3e5a7b9d1f2).

Revision ID: e5f7a9b1c3d6
Revises: c3e5a7b9d1f2
Create Date: 2026-12-06 08:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "e5f7a9b1c3d6"
down_revision = "c3e5a7b9d1f2"
branch_labels = None
depends_on = None

KEYS = {"devices": "device_id", "template_versions": "template_version_id"}
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
