"""interaction: pass_no, in the unique key (pbx, linkedid, queue, pass_no): one row per pass of a
call through a queue (a caller transferred or redirected back into a queue it went through)

Revision ID: 0005_interaction_pass_no
Revises: 0004_campaign_agents

Downgrade: the old key keeps one row per (pbx, linkedid, queue), so a later pass keeps its row
(its tickets and follow-ups still point at it, and the old reports still count it) under the
linkedid ``<linkedid>#p<n>``; upgrading again turns such a linkedid back into its pass.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0005_interaction_pass_no'
down_revision = '0004_campaign_agents'
branch_labels = None
depends_on = None

OLD_KEY = ['pbx', 'linkedid', 'queue']
NEW_KEY = ['pbx', 'linkedid', 'queue', 'pass_no']
LINKEDID_MAX = 64
_CHILDREN = ('ticket', 'follow_up')  # the tables whose rows reference an interaction
_PASS_SUFFIX = re.compile(r'^(.+)#p([2-9]|[1-9][0-9]+)$')

_interaction = sa.table('interaction', sa.column('id', sa.BigInteger), sa.column('linkedid', sa.String),
                        sa.column('pass_no', sa.Integer))


def _swap_key(drop: list[str], create: list[str]) -> None:
    """Replace the unique key. SQLite rebuilds the table for it (batch: copy, drop, rename), and
    its DROP TABLE fails on the rows tickets and follow-ups reference (foreign keys are on, and
    a pragma to turn them off is ignored inside the migration's transaction): those references
    are set aside for the rebuild and put back after it (the copy keeps the ids)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for child in _CHILDREN:
            op.execute(f'CREATE TEMP TABLE saved_{child} AS SELECT id, interaction_id FROM {child}'
                       ' WHERE interaction_id IS NOT NULL')
            op.execute(f'UPDATE {child} SET interaction_id = NULL WHERE interaction_id IS NOT NULL')
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_constraint('uq_interaction_' + '_'.join(drop), type_='unique')
        batch_op.create_unique_constraint('uq_interaction_' + '_'.join(create), create)
    if sqlite:
        for child in _CHILDREN:
            op.execute(f'UPDATE {child} SET interaction_id = (SELECT s.interaction_id FROM saved_{child} s'
                       f' WHERE s.id = {child}.id) WHERE id IN (SELECT id FROM saved_{child})')
            op.execute(f'DROP TABLE saved_{child}')


def upgrade() -> None:
    op.add_column('interaction', sa.Column('pass_no', sa.Integer(), nullable=False, server_default='1'))
    _swap_key(OLD_KEY, NEW_KEY)
    bind = op.get_bind()
    folded = bind.execute(sa.select(_interaction.c.id, _interaction.c.linkedid)
                          .where(_interaction.c.linkedid.like('%#p%'))).all()
    for row in folded:
        match = _PASS_SUFFIX.match(row.linkedid)
        if match:
            bind.execute(sa.update(_interaction).where(_interaction.c.id == row.id)
                         .values(linkedid=match[1], pass_no=int(match[2])))


def downgrade() -> None:
    bind = op.get_bind()
    later = bind.execute(sa.select(_interaction.c.id, _interaction.c.linkedid, _interaction.c.pass_no)
                         .where(_interaction.c.pass_no > 1)).all()
    for row in later:
        suffix = f'#p{row.pass_no}'
        bind.execute(sa.update(_interaction).where(_interaction.c.id == row.id)
                     .values(linkedid=row.linkedid[:LINKEDID_MAX - len(suffix)] + suffix))
    _swap_key(NEW_KEY, OLD_KEY)
    op.drop_column('interaction', 'pass_no')  # in no key any more: a plain DROP COLUMN on SQLite too
