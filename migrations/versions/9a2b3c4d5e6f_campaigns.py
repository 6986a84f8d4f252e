"""campaigns, their variants and runs; notifications know their run, variant and expiry; operators their time zone

Revision ID: 9a2b3c4d5e6f
Revises: 8e1f2a3b4c5d
Create Date: 2026-12-04 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.models.types
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '9a2b3c4d5e6f'
down_revision = '8e1f2a3b4c5d'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('campaigns',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('segment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('exclusion_segment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel_mode', sa.String(length=16), nullable=False),
    sa.Column('channels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ab_mode', sa.String(length=8), nullable=False),
    sa.Column('test_percent', sa.Integer(), nullable=False),
    sa.Column('test_wait_minutes', sa.Integer(), nullable=False),
    sa.Column('winner_metric', sa.String(length=16), nullable=False),
    sa.Column('holdout_percent', sa.Integer(), nullable=False),
    sa.Column('schedule_kind', sa.String(length=16), nullable=False),
    sa.Column('send_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('local_date', sa.String(length=10), nullable=True),
    sa.Column('local_time', sa.String(length=5), nullable=True),
    sa.Column('cron', sa.String(length=120), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('default_timezone', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=True),
    sa.Column('window_end', sa.Integer(), nullable=True),
    sa.Column('window_days', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('throttle_per_minute', sa.Integer(), nullable=True),
    sa.Column('next_run_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=320), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['exclusion_segment_id'], ['segments.id'], ),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_next_run_at'), ['next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)

    op.create_table('campaign_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phase', sa.String(length=8), nullable=False),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('targeted', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('heartbeat_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scheduled_for', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('test_ends_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('winner', sa.Integer(), nullable=True),
    sa.Column('winner_reason', sa.String(length=255), nullable=True),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stats_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.Column('paused_from', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'number', name='uq_campaign_runs')
    )
    with op.batch_alter_table('campaign_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_runs_status'), ['status'], unique=False)

    op.create_table('campaign_variants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('template_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('share', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_version_id'], ['template_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'position', name='uq_campaign_variants')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('variant', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_campaign_due', ['campaign_run_id', 'status', 'send_at'], unique=False, postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))
        batch_op.create_index('ix_notifications_contact_campaign', ['contact_id', 'created_at'], unique=False, postgresql_include=['campaign_run_id', 'category', 'status'], postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))
        batch_op.create_index('uq_notifications_campaign_row', ['campaign_run_id', 'contact_id', 'channel', sa.literal_column('coalesce(device_id, 0)')], unique=True, postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))

    # Indexes hold only the rows they serve (a campaign writes a million rows at once).
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        for name, columns, where in PARTIAL:
            if name != "ix_notifications_dead":
                batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False, postgresql_where=sa.text(where),
                                  sqlite_where=sa.text(where))

    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False))




PARTIAL = [
    ("ix_notifications_status_due", ["status", "due_at"], "due_at IS NOT NULL"),
    ("ix_notifications_event_id", ["event_id"], "event_id IS NOT NULL"),
    ("ix_notifications_provider_message_id", ["provider_message_id"],
     "provider_message_id IS NOT NULL"),
    ("ix_notifications_dead", ["created_at"], "status = 'dead'"),
]


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_dead")
        for name, columns, _where in PARTIAL[:3]:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)

    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('uq_notifications_campaign_row', postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))
        batch_op.drop_index('ix_notifications_contact_campaign', postgresql_include=['campaign_run_id', 'category', 'status'], postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))
        batch_op.drop_index('ix_notifications_campaign_due', postgresql_where=sa.text('campaign_run_id IS NOT NULL'), sqlite_where=sa.text('campaign_run_id IS NOT NULL'))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('variant')
        batch_op.drop_column('campaign_run_id')

    op.drop_table('campaign_variants')
    with op.batch_alter_table('campaign_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_runs_status'))

    op.drop_table('campaign_runs')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))
        batch_op.drop_index(batch_op.f('ix_campaigns_next_run_at'))

    op.drop_table('campaigns')

