"""provider settings stored in the console, encrypted at rest

Revision ID: 5b8d0c3e7a14
Revises: b7d41e0c9a62
Create Date: 2026-12-04 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b8d0c3e7a14"
down_revision = "b7d41e0c9a62"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "provider_accounts",
        sa.Column("provider", sa.String(length=16), primary_key=True),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=True),
    )


def downgrade():
    op.drop_table("provider_accounts")
