"""login_lock: failed log-ins per user name and the lockout (issue 17)

Revision ID: 0009_login_lock
Revises: 0008_churn
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_login_lock'
down_revision = '0008_churn'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=32), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_lock')),
        sa.UniqueConstraint('username', name=op.f('uq_login_lock_username')),
    )


def downgrade() -> None:
    op.drop_table('login_lock')
