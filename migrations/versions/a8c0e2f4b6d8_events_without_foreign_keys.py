"""the events' contact_id and link_id without foreign keys (PostgreSQL)

Each event stored looked up its contact's and its tracked link's rows and locked them
FOR KEY SHARE: 300,000 events took 12.0 s to insert with the keys, 7.3 s without. And
deleting a tracked link (retention, with a notification's day of the log or a template's
unused link; an erasure) made PostgreSQL set the events' link_id to NULL through the key,
which has no index: a scan of every day of events for each link deleted, 20 s for 100
links beside a million events. What deletes a contact deletes its events (an erasure, the
demo's removal); a deleted link's events keep their url, and their link_id names no row,
which nothing joins.

SQLite keeps its foreign keys, as for the log's (c3e5a7b9d1f2).

Revision ID: a8c0e2f4b6d8
Revises: f6b8d0a2c4e7
Create Date: 2026-12-06 23:10:00.000000

"""
from alembic import op

revision = "a8c0e2f4b6d8"
down_revision = "f6b8d0a2c4e7"
branch_labels = None
depends_on = None

# key name: (column, the table it refers to)
KEYS = {"events_contact_id_fkey": ("contact_id", "contacts"),
        "fk_events_link_id_tracked_links": ("link_id", "tracked_links")}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in KEYS:
        op.execute(f"ALTER TABLE events DROP CONSTRAINT IF EXISTS {name}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (column, table) in KEYS.items():
        # Events naming a row since gone would fail the key: they lose the reference.
        op.execute(f"UPDATE events SET {column} = NULL WHERE {column} IS NOT NULL "
                   f"AND NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.id = {column})")
        op.create_foreign_key(name, "events", table, [column], ["id"], ondelete="SET NULL")
