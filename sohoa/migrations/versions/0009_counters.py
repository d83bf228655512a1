"""named counters advanced under a row lock (dossier sequences per day, copy numbers per year)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No backfill: a counter seen for the first time starts from the highest number in use.
    op.create_table(
        'counters',
        sa.Column('name', sa.String(128), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('counters')
