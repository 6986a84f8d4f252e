"""tracked links, SMS short codes; events keep raw hits, human or machine

Revision ID: c71a0e5d9b42
Revises: 9a2b3c4d5e6f
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c71a0e5d9b42"
down_revision = "9a2b3c4d5e6f"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "tracked_links",
        sa.Column("id", BigId, nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("template_version_id", BigId, nullable=True),
        sa.Column("notification_id", sa.Uuid(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["template_version_id"], ["template_versions.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "url_hash", name="uq_tracked_links_scope_url"),
    )
    op.create_index("ix_tracked_links_template_version_id", "tracked_links",
                    ["template_version_id"])
    op.create_index("ix_tracked_links_notification_id", "tracked_links", ["notification_id"])
    op.create_table(
        "short_links",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("link_id", BigId, nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_links.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_short_links_link_id", "short_links", ["link_id"])
    op.create_index("ix_short_links_notification_id", "short_links", ["notification_id"])
    op.drop_index("ix_events_kind_at_contact", table_name="events")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_id", BigId, nullable=True))
        batch_op.add_column(sa.Column("machine", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ip", sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column("value", sa.Numeric(18, 4), nullable=True))
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=300), nullable=True))
        batch_op.alter_column("user_agent", existing_type=sa.String(length=32),
                              type_=sa.String(length=512))
        batch_op.create_foreign_key("fk_events_link_id_tracked_links", "tracked_links",
                                    ["link_id"], ["id"], ondelete="SET NULL")
        batch_op.create_unique_constraint("uq_events_dedupe_key", ["dedupe_key"])
    op.create_index("ix_events_kind_at_contact", "events",
                    ["kind", "machine", "at", "contact_id"])


def downgrade():
    op.drop_index("ix_events_kind_at_contact", table_name="events")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_events_dedupe_key", type_="unique")
        batch_op.drop_constraint("fk_events_link_id_tracked_links", type_="foreignkey")
        batch_op.alter_column("user_agent", existing_type=sa.String(length=512),
                              type_=sa.String(length=32))
        for name in ("dedupe_key", "currency", "value", "ip", "reason", "machine", "link_id"):
            batch_op.drop_column(name)
    op.create_index("ix_events_kind_at_contact", "events", ["kind", "at", "contact_id"])
    op.drop_table("short_links")
    op.drop_table("tracked_links")
