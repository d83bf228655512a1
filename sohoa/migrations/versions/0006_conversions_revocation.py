"""conversions (paper ↔ electronic, with look-up codes) and revocation of results

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('revoked_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('revocation_reason', sa.String(500), nullable=True))
        batch.add_column(sa.Column('revoked_by', sa.String(255), nullable=True))
    op.create_table(
        'conversions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(32), nullable=False),
        sa.Column('document_id', sa.String(36), nullable=False),
        sa.Column('direction', sa.String(24), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('converter', sa.String(255), nullable=False),
        sa.Column('agency_code', sa.String(32), nullable=False),
        sa.Column('agency_name', sa.String(255), nullable=False),
        sa.Column('source_sha256', sa.String(64), nullable=False),
        sa.Column('output_sha256', sa.String(64), nullable=True),
        sa.Column('copy_form', sa.String(16), nullable=True),
        sa.Column('copy_year', sa.Integer(), nullable=True),
        sa.Column('copy_number', sa.Integer(), nullable=True),
        sa.Column('copy_symbol', sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('agency_code', 'copy_year', 'copy_number'),
    )
    op.create_index('ix_conversions_document_id', 'conversions', ['document_id'])
    op.create_index('ix_conversions_output_sha256', 'conversions', ['output_sha256'])


def downgrade() -> None:
    op.drop_index('ix_conversions_output_sha256', table_name='conversions')
    op.drop_index('ix_conversions_document_id', table_name='conversions')
    op.drop_table('conversions')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('revoked_by')
        batch.drop_column('revocation_reason')
        batch.drop_column('revoked_at')
