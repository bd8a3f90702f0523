"""api_session: API sessions in the store, so that several servers share them (issue 15)

Revision ID: 0012_api_session
Revises: 0011_qa_review
"""

import sqlalchemy as sa
from alembic import op

revision = '0012_api_session'
down_revision = '0011_qa_review'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_session',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_api_session_staff_id_staff'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_api_session')),
    )
    with op.batch_alter_table('api_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_session_staff_id'), ['staff_id'], unique=False)


def downgrade() -> None:
    # The sessions go with the table: after a downgrade everyone logs in again.
    op.drop_table('api_session')
