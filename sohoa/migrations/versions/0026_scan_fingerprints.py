"""Scanner files are kept only with SOHOA_KEEP_SCANNER_FILE; their SHA-256 is kept always
(vault.fingerprints), so the same scan sent again is known

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scan_fingerprints',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('document_id', sa.String(36), sa.ForeignKey('documents.id'), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False))
    op.create_index('ix_scan_fingerprints_document_id', 'scan_fingerprints', ['document_id'])
    op.create_index('ix_scan_fingerprints_sha256', 'scan_fingerprints', ['sha256'])


def downgrade() -> None:
    op.drop_index('ix_scan_fingerprints_sha256', 'scan_fingerprints')
    op.drop_index('ix_scan_fingerprints_document_id', 'scan_fingerprints')
    op.drop_table('scan_fingerprints')
