"""events know their notification's campaign run, variant, channel and provider: a
campaign's report reads one index range

Revision ID: e4a7c2f91b30
Revises: c71a0e5d9b42
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e4a7c2f91b30"
down_revision = "c71a0e5d9b42"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ONLY_CAMPAIGNS = "campaign_run_id IS NOT NULL"
COPIED = ("campaign_run_id", "variant", "channel", "provider")


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("campaign_run_id", BigId, nullable=True))
        batch.add_column(sa.Column("variant", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("provider", sa.String(length=16), nullable=True))
    for column in COPIED:
        op.execute(f"UPDATE events SET {column} = (SELECT n.{column} FROM notifications n "
                   "WHERE n.id = events.notification_id) WHERE notification_id IS NOT NULL")
    op.create_index("ix_events_campaign_run", "events", ["campaign_run_id", "kind"],
                    postgresql_where=sa.text(ONLY_CAMPAIGNS),
                    sqlite_where=sa.text(ONLY_CAMPAIGNS))


def downgrade():
    op.drop_index("ix_events_campaign_run", table_name="events")
    with op.batch_alter_table("events") as batch:
        for column in reversed(COPIED):
            batch.drop_column(column)
