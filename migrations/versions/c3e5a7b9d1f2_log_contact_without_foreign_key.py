"""the log's contact_id without a foreign key (PostgreSQL)

Every notification written checked its contact's row and locked it FOR KEY SHARE, one
query a row: about a quarter of PostgreSQL's CPU for a 1,000-recipient send. A send now
locks its contacts once, in the SELECT that reads them, and what deletes a contact (an
erasure, the demo's removal) clears its rows' contact_id in the same transaction, as the
key's ON DELETE SET NULL did.

SQLite keeps its foreign key, as for the api key's (a4c6e8f0b2d1).

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

FOREIGN_KEY = sa.text(
    "SELECT conname FROM pg_constraint WHERE contype = 'f' "
    "AND conrelid = 'notifications'::regclass AND confrelid = 'contacts'::regclass")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in op.get_bind().scalars(FOREIGN_KEY).all():
        op.drop_constraint(name, "notifications", type_="foreignkey")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # Rows whose contact is gone (none, if every deletion cleared them) would fail the key.
    op.execute("UPDATE notifications SET contact_id = NULL WHERE contact_id IS NOT NULL "
               "AND NOT EXISTS (SELECT 1 FROM contacts WHERE contacts.id = contact_id)")
    op.create_foreign_key("notifications_contact_id_fkey", "notifications", "contacts",
                          ["contact_id"], ["id"], ondelete="SET NULL")
