"""demo_rows: the rows the demo workspace made, so one command removes them

Revision ID: 5d1e7a3c9b20
Revises: 5d1f0b7a3c28
Create Date: 2026-12-04 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5d1e7a3c9b20"
down_revision = "5d1f0b7a3c28"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "demo_rows",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("table_name", "row_id", name="uq_demo_rows"),
    )


def downgrade():
    op.drop_table("demo_rows")
