"""the log's api_key_id without a foreign key (PostgreSQL)

Every notification written checked its API key's row and locked it FOR KEY SHARE: one
row that every concurrent send locks, and 15-20 % of PostgreSQL's CPU for a 1,000-recipient
send. API keys are revoked, never deleted, so the key's ON DELETE SET NULL never ran, and
the id always comes from the key that authenticated the request.

SQLite keeps its foreign key: dropping it there means rebuilding the table (batch mode),
which cannot carry the campaign rows' expression index across; it never fires either.

Revision ID: a4c6e8f0b2d1
Revises: 8e2f4a6c1d93
Create Date: 2026-12-06 03:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "a4c6e8f0b2d1"
down_revision = "8e2f4a6c1d93"
branch_labels = None
depends_on = None

FOREIGN_KEY = sa.text(
    "SELECT conname FROM pg_constraint WHERE contype = 'f' "
    "AND conrelid = 'notifications'::regclass AND confrelid = 'api_keys'::regclass")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in op.get_bind().scalars(FOREIGN_KEY).all():
        op.drop_constraint(name, "notifications", type_="foreignkey")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_foreign_key("notifications_api_key_id_fkey", "notifications", "api_keys",
                          ["api_key_id"], ["id"], ondelete="SET NULL")
