"""rollups that keep the templates' numbers, the campaign chart's slices and the links'
clicks past retention

notification_rollups gains the template version its rows were sent from; three new tables
hold a campaign run's opens and clicks per 15-minute slice, its clicks per link, and the
transactional messages opened or clicked per template version and day. Existing rollups
keep their counts (their template version is unknown: NULL).

Revision ID: 8e2f4a6c1d93
Revises: 3f8c1d2e6a75
Create Date: 2026-12-05 01:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "8e2f4a6c1d93"
down_revision = "3f8c1d2e6a75"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("notification_rollups") as batch:
        batch.add_column(sa.Column("template_version_id", BigId, nullable=True))
    op.create_table(
        "event_slot_rollups",
        sa.Column("id", BigId, nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("campaign_run_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("machine", sa.Boolean(), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_slot_rollups_campaign_run_id", "event_slot_rollups",
                    ["campaign_run_id"])
    op.create_table(
        "link_rollups",
        sa.Column("id", BigId, nullable=False),
        sa.Column("campaign_run_id", BigId, nullable=False),
        sa.Column("variant", sa.SmallInteger(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("machine_clicks", sa.BigInteger(), nullable=False),
        sa.Column("notifications", sa.BigInteger(), nullable=False),
        sa.Column("humans", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_rollups_campaign_run_id", "link_rollups", ["campaign_run_id"])
    op.create_table(
        "template_rollups",
        sa.Column("id", BigId, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("template_version_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("notifications", sa.BigInteger(), nullable=False),
        sa.Column("humans", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_template_rollups_day", "template_rollups", ["day"])


def downgrade():
    op.drop_index("ix_template_rollups_day", table_name="template_rollups")
    op.drop_table("template_rollups")
    op.drop_index("ix_link_rollups_campaign_run_id", table_name="link_rollups")
    op.drop_table("link_rollups")
    op.drop_index("ix_event_slot_rollups_campaign_run_id", table_name="event_slot_rollups")
    op.drop_table("event_slot_rollups")
    with op.batch_alter_table("notification_rollups") as batch:
        batch.drop_column("template_version_id")
