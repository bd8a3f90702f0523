"""lead: priority, source and followup_id (outbound campaigns)

Revision ID: 0002_lead_priority
Revises: 0001_initial
Create Date: 2026-11-22 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002_lead_priority'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lead') as batch:
        batch.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default=''))
        batch.add_column(sa.Column('followup_id', sa.Integer(), nullable=True))
    op.create_index('ix_lead_followup', 'lead', ['campaign_id', 'followup_id'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_lead_followup', table_name='lead')
    with op.batch_alter_table('lead') as batch:
        batch.drop_column('followup_id')
        batch.drop_column('source')
        batch.drop_column('priority')
