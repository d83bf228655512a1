"""a counter node's outbox: which documents reached the centre

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kernel

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_outbox',
        sa.Column('document_id', sa.String(length=36), nullable=False),
        sa.Column('central_id', sa.String(length=36), nullable=True),
        sa.Column('sent_at', kernel.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_try_at', kernel.UTCDateTime(), nullable=True),
        sa.Column('error_code', sa.String(length=64), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id'),
    )
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_outbox_next_try_at'), ['next_try_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_outbox_next_try_at'))
    op.drop_table('sync_outbox')
