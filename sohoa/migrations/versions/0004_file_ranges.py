"""files stored as a byte range of another file (no second copy)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('file_versions') as batch:
        batch.add_column(sa.Column('within_id', sa.String(36), nullable=True))
        batch.add_column(sa.Column('offset', sa.BigInteger(), nullable=True))
        batch.create_foreign_key('fk_file_versions_within', 'file_versions', ['within_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('file_versions') as batch:
        batch.drop_constraint('fk_file_versions_within', type_='foreignkey')
        batch.drop_column('offset')
        batch.drop_column('within_id')
