"""interaction: csat, the caller's post-call survey answer (1-5)

Revision ID: 0010_interaction_csat
Revises: 0009_login_lock
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_interaction_csat'
down_revision = '0009_login_lock'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('interaction', sa.Column('csat', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('interaction', 'csat')
