"""API keys may carry their own request rate limit

Revision ID: 5d1f0b7a3c28
Revises: 5b8d0c3e7a14
Create Date: 2026-12-04 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5d1f0b7a3c28"
down_revision = "5b8d0c3e7a14"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("rate_limit", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("rate_limit")
