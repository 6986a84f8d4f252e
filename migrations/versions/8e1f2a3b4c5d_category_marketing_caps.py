"""categories: marketing flag and frequency caps

Revision ID: 8e1f2a3b4c5d
Revises: 7d3f9b1c4e20
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8e1f2a3b4c5d"
down_revision = "7d3f9b1c4e20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marketing", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("frequency_cap", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("frequency_window_seconds", sa.Integer(), nullable=False,
                                      server_default="604800"))
        batch_op.add_column(sa.Column("frequency_action", sa.String(length=16), nullable=False,
                                      server_default="suppress"))
    op.execute("UPDATE categories SET marketing = true WHERE key IN ('marketing', 'product')")


def downgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("frequency_action")
        batch_op.drop_column("frequency_window_seconds")
        batch_op.drop_column("frequency_cap")
        batch_op.drop_column("marketing")
