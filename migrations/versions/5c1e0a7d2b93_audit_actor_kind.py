"""audit log names the actor kind: operator, api key or system

Revision ID: 5c1e0a7d2b93
Revises: 99de4b7ac9c2
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5c1e0a7d2b93"
down_revision = "99de4b7ac9c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_kind", sa.String(length=16),
                                      server_default="operator", nullable=False))
        batch_op.add_column(sa.Column("api_key_id", sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_api_key_id"), ["api_key_id"],
                              unique=False)
        batch_op.create_foreign_key("fk_audit_log_api_key_id", "api_keys",
                                    ["api_key_id"], ["id"], ondelete="SET NULL")
    # Entries written before this revision without an operator were the system's (CLI).
    op.execute("UPDATE audit_log SET actor_kind = 'system' WHERE operator_email IS NULL")


def downgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("fk_audit_log_api_key_id",
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_log_api_key_id"))
        batch_op.drop_column("api_key_id")
        batch_op.drop_column("actor_kind")
