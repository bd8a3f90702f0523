"""drop the customer name and initials indexes: search uses its own in-memory index

Revision ID: 0003_drop_name_indexes
Revises: 0002_lead_priority
"""

from alembic import op

revision = '0003_drop_name_indexes'
down_revision = '0002_lead_priority'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_name')
        batch_op.drop_index('ix_customer_name_initials')


def downgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index('ix_customer_name_initials', ['name_initials'], unique=False,
                              postgresql_ops={'name_initials': 'varchar_pattern_ops'})
        batch_op.create_index('ix_customer_name', ['name'], unique=False,
                              postgresql_ops={'name': 'varchar_pattern_ops'})
