"""jobs that outlive their process (params, lease, retries); idempotent filing (intake key)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 21:29:41
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kernel

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_key', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint('uq_documents_intake_key', ['intake_key'])

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('lease_until', kernel.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('retry_at', kernel.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_lease_until'), ['lease_until'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_lease_until'))
        batch_op.drop_column('worker')
        batch_op.drop_column('retry_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('attempts')
        batch_op.drop_column('params')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('uq_documents_intake_key', type_='unique')
        batch_op.drop_column('intake_key')

