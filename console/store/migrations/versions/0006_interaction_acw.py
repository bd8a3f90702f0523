"""interaction: acw_s, the after-call work measured for the call (wrap-up hold until the disposition)

Revision ID: 0006_interaction_acw
Revises: 0005_interaction_pass_no
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_interaction_acw'
down_revision = '0005_interaction_pass_no'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('interaction', sa.Column('acw_s', sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column('interaction', 'acw_s')
