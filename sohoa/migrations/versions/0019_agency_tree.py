"""agencies form the province's tree: parent and kind

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key('fk_agencies_parent_id_agencies', 'agencies',
                                    ['parent_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_agencies_parent_id'), ['parent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_parent_id'))
        batch_op.drop_constraint('fk_agencies_parent_id_agencies', type_='foreignkey')
        batch_op.drop_column('kind')
        batch_op.drop_column('parent_id')
