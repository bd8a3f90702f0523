"""churn warning: customer.churn_reasons and churn_scored_at; aum_snapshot (imported assets by date)

Revision ID: 0008_churn
Revises: 0007_campaign_demo
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_churn'
down_revision = '0007_campaign_demo'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite 3.35+): a batch copy of customer would have to drop the table
    # every other table refers to.
    op.add_column('customer', sa.Column('churn_reasons', sa.Text(), nullable=True))
    op.add_column('customer', sa.Column('churn_scored_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('aum_snapshot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('aum', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_aum_snapshot_customer_id_customer'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aum_snapshot')),
    sa.UniqueConstraint('customer_id', 'as_of', name=op.f('uq_aum_snapshot_customer_id_as_of'))
    )
    with op.batch_alter_table('aum_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aum_snapshot_customer_id'), ['customer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('aum_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aum_snapshot_customer_id'))
    op.drop_table('aum_snapshot')
    op.drop_column('customer', 'churn_scored_at')
    op.drop_column('customer', 'churn_reasons')
