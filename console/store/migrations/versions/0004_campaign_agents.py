"""campaign: agents (who takes its calls) and members_added (queue members the dialer added)

Revision ID: 0004_campaign_agents
Revises: 0003_drop_name_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_campaign_agents'
down_revision = '0003_drop_name_indexes'
branch_labels = None
depends_on = None

# Plain ADD/DROP COLUMN, not batch_alter_table: on SQLite a batch copies the table and drops the
# old one, which fails its foreign-key check as soon as leads reference a campaign (SQLite has
# had ALTER TABLE DROP COLUMN since 3.35).


def upgrade() -> None:
    op.add_column('campaign', sa.Column('agents', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('campaign', sa.Column('members_added', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    op.drop_column('campaign', 'members_added')
    op.drop_column('campaign', 'agents')
