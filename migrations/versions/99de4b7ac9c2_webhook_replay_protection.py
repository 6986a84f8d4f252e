"""webhook replay protection: applied event ids, last SMS keyword per number

Revision ID: 99de4b7ac9c2
Revises: 414f82bedeea
Create Date: 2026-12-03 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.models.types


# revision identifiers, used by Alembic.
revision = "99de4b7ac9c2"
down_revision = "414f82bedeea"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_event_ids",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "event_id", name="uq_webhook_event_ids"),
    )
    with op.batch_alter_table("webhook_event_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_event_ids_expires_at"), ["expires_at"],
                              unique=False)

    op.create_table(
        "sms_keywords",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("keyword", sa.String(length=8), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("received_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )


def downgrade():
    op.drop_table("sms_keywords")
    with op.batch_alter_table("webhook_event_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_event_ids_expires_at"))
    op.drop_table("webhook_event_ids")
