"""campaign: demo (seeded with demo leads: dialled only on the PBX simulator)

Revision ID: 0007_campaign_demo
Revises: 0006_interaction_acw
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_campaign_demo'
down_revision = '0006_interaction_acw'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('campaign', sa.Column('demo', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('campaign', 'demo')
