"""certifying copies from their originals, step by step, and the register of certifications;
a copy from the agency's register names its entry

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'certifications',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('agency_code', sa.String(32), nullable=False),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('owners.id'), nullable=False),
        sa.Column('step', sa.String(16), nullable=False),
        sa.Column('presented_at', UTCDateTime(), nullable=False),
        sa.Column('presented_by', sa.String(255), nullable=False),
        sa.Column('checked_at', UTCDateTime(), nullable=True),
        sa.Column('checked_by', sa.String(255), nullable=True),
        sa.Column('document_id', sa.String(36), sa.ForeignKey('documents.id'), nullable=True),
        sa.Column('scanned_at', UTCDateTime(), nullable=True),
        sa.Column('stated_at', UTCDateTime(), nullable=True),
        sa.Column('stated_by', sa.String(255), nullable=True),
        sa.Column('certifier', sa.String(255), nullable=True),
        sa.Column('issued_at', UTCDateTime(), nullable=True),
        sa.Column('register_year', sa.Integer(), nullable=True),
        sa.Column('register_number', sa.Integer(), nullable=True),
        sa.Column('register_book', sa.String(40), nullable=True),
        sa.Column('lookup_code', sa.String(32), nullable=True),
        sa.Column('sealed', sa.LargeBinary(), nullable=True),
        sa.UniqueConstraint('agency_code', 'register_year', 'register_number'),
    )
    for column in ('agency_code', 'owner_id', 'document_id'):
        op.create_index(f'ix_certifications_{column}', 'certifications', [column])
    with op.batch_alter_table('conversions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_entry', sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversions', schema=None) as batch_op:
        batch_op.drop_column('register_entry')
    for column in ('agency_code', 'owner_id', 'document_id'):
        op.drop_index(f'ix_certifications_{column}', 'certifications')
    op.drop_table('certifications')
