"""the wrapped data key of each vault (encryption at rest; NULL once crypto-shredded)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Blobs stored before this release stay readable (checked against their SHA-256) and
    # are sealed by 'sohoa keys seal-existing'.
    op.create_table(
        'vault_keys',
        sa.Column('vault', sa.String(36), nullable=False),
        sa.Column('kek_id', sa.String(64), nullable=False),
        sa.Column('wrapped', sa.LargeBinary(64), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('shredded_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('vault'),
    )


def downgrade() -> None:
    op.drop_table('vault_keys')
