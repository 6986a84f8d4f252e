"""idempotency keys of operators too: the console's test send shares the API's send entry

Revision ID: 7d3f9b1c4e20
Revises: 5c1e0a7d2b93
Create Date: 2026-12-03 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7d3f9b1c4e20"
down_revision = "5c1e0a7d2b93"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("api_key_id", existing_type=sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True)
        batch_op.add_column(sa.Column("operator_id", sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True))
        batch_op.create_foreign_key("fk_idempotency_keys_operator_id", "operators",
                                    ["operator_id"], ["id"], ondelete="CASCADE")
        batch_op.create_unique_constraint("uq_idempotency_keys_operator", ["operator_id", "key"])


def downgrade():
    op.execute("DELETE FROM idempotency_keys WHERE api_key_id IS NULL")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_idempotency_keys_operator", type_="unique")
        batch_op.drop_constraint("fk_idempotency_keys_operator_id", type_="foreignkey")
        batch_op.drop_column("operator_id")
        batch_op.alter_column("api_key_id", existing_type=sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=False)
