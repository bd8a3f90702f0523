"""queue_log (Asterisk writes it through realtime) and reconcile_mark: calls no server saw (issue 15)

Revision ID: 0013_queue_log
Revises: 0012_api_session
"""

import sqlalchemy as sa
from alembic import op

revision = '0013_queue_log'
down_revision = '0012_api_session'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Asterisk needs the table before it starts (docs/asterisk.md "queue_log in PostgreSQL"): an
    # administrator may have made it first, from docs/asterisk/queue_log/queue_log.sql.
    if not sa.inspect(op.get_bind()).has_table('queue_log'):
        _create_queue_log()
    op.create_table(
        'reconcile_mark',
        sa.Column('pbx', sa.String(length=64), nullable=False),
        sa.Column('done_to', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('pbx', name=op.f('pk_reconcile_mark')),
    )


def _create_queue_log() -> None:
    op.create_table(
        'queue_log',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('time', sa.DateTime(), nullable=False),
        sa.Column('callid', sa.String(length=80), nullable=False),
        sa.Column('queuename', sa.String(length=256), nullable=False),
        sa.Column('agent', sa.String(length=256), nullable=False),
        sa.Column('event', sa.String(length=32), nullable=False),
        sa.Column('data1', sa.String(length=256), nullable=True),
        sa.Column('data2', sa.String(length=256), nullable=True),
        sa.Column('data3', sa.String(length=256), nullable=True),
        sa.Column('data4', sa.String(length=256), nullable=True),
        sa.Column('data5', sa.String(length=256), nullable=True),
        sa.Column('data', sa.String(length=1280), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_log')),
    )
    with op.batch_alter_table('queue_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_log_time'), ['time'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_log_callid'), ['callid'], unique=False)


def downgrade() -> None:
    op.drop_table('reconcile_mark')
    op.drop_table('queue_log')
