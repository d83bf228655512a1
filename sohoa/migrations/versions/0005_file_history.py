"""file history: earlier content of files extended by an append-only update

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'file_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_version_id', sa.String(36), nullable=False),
        sa.Column('blob_key', sa.String(255), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(64), nullable=False),
        sa.Column('replaced_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['file_version_id'], ['file_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_file_history_file_version_id', 'file_history', ['file_version_id'])


def downgrade() -> None:
    op.drop_index('ix_file_history_file_version_id', table_name='file_history')
    op.drop_table('file_history')
