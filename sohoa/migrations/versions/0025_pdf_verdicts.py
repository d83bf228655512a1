"""PDF verdicts recorded when a file is signed or received, by the SHA-256 of its bytes:
an archive export reuses them once the bytes hash the same (archive.verdicts)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pdf_verdicts',
        sa.Column('sha256', sa.String(64), primary_key=True),
        sa.Column('signed', sa.Boolean(), primary_key=True),
        sa.Column('problem', sa.String(1000)),
        sa.Column('version', sa.String(8), nullable=False),
        sa.Column('pdfa', sa.Boolean(), nullable=False),
        sa.Column('signatures', sa.JSON()),
        sa.Column('checked_at', UTCDateTime(), nullable=False))


def downgrade() -> None:
    op.drop_table('pdf_verdicts')
