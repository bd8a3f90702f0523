"""qa_review: supervisors' QA reviews of calls (marks per criterion, score, comment)

Revision ID: 0011_qa_review
Revises: 0010_interaction_csat
"""

import sqlalchemy as sa
from alembic import op

revision = '0011_qa_review'
down_revision = '0010_interaction_csat'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('fatal', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['staff.id'], name=op.f('fk_qa_review_agent_id_staff')),
    sa.ForeignKeyConstraint(['interaction_id'], ['interaction.id'], name=op.f('fk_qa_review_interaction_id_interaction'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['staff.id'], name=op.f('fk_qa_review_reviewer_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_review'))
    )
    with op.batch_alter_table('qa_review', schema=None) as batch_op:
        batch_op.create_index('ix_qa_review_agent_at', ['agent_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_review_interaction_id'), ['interaction_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('qa_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_review_interaction_id'))
        batch_op.drop_index('ix_qa_review_agent_at')
    op.drop_table('qa_review')
