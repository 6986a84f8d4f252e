"""the template versions' tracked links know when a message last carried them

A notification's tracked links go with its day of the log; a template version's were
never deleted. A personalised address (`?email={{ contact.email | urlencode }}`) makes
one per recipient and template version, so they grew with every campaign. Each now
carries the day a message last carried it, and retention deletes those unused for
HERALD_TRACKING_LINK_DAYS (how long a link keeps working). Existing links start from the
day they were made.

Revision ID: f6b8d0a2c4e7
Revises: c3e5a7b9d1f2
Create Date: 2026-12-06 22:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "f6b8d0a2c4e7"
down_revision = "c3e5a7b9d1f2"
branch_labels = None
depends_on = None

TEMPLATE_LINKS = "notification_id IS NULL"


def upgrade():
    with op.batch_alter_table("tracked_links") as batch:
        batch.add_column(sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE tracked_links SET used_at = created_at WHERE {TEMPLATE_LINKS}")
    op.create_index("ix_tracked_links_template_used", "tracked_links", ["used_at"],
                    postgresql_where=sa.text(TEMPLATE_LINKS),
                    sqlite_where=sa.text(TEMPLATE_LINKS))


def downgrade():
    op.drop_index("ix_tracked_links_template_used", table_name="tracked_links")
    with op.batch_alter_table("tracked_links") as batch:
        batch.drop_column("used_at")
