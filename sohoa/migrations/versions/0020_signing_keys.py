"""each agency and each officer signs with a key of their own: agency profiles,
officers' keys, PINs held for a signing session

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'agency_profiles',
        sa.Column('agency_code', sa.String(32), primary_key=True),
        sa.Column('print_name', sa.String(255), nullable=True),
        sa.Column('place', sa.String(100), nullable=True),
        sa.Column('abbreviation', sa.String(20), nullable=True),
        sa.Column('copy_signer_position', sa.String(120), nullable=True),
        sa.Column('copy_signer_name', sa.String(120), nullable=True),
        sa.Column('lookup_url', sa.String(255), nullable=True),
        sa.Column('seal_png', sa.LargeBinary(), nullable=True),
        sa.Column('key_source', sa.String(1000), nullable=True),
        sa.Column('key_cert', sa.String(1000), nullable=True),
        sa.Column('key_chain', sa.String(2000), nullable=True),
        sa.Column('key_set_at', UTCDateTime(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=True),
    )
    op.create_table(
        'account_keys',
        sa.Column('account_id', sa.String(36), sa.ForeignKey('accounts.id'), primary_key=True),
        sa.Column('source', sa.String(1000), nullable=False),
        sa.Column('cert', sa.String(1000), nullable=True),
        sa.Column('chain', sa.String(2000), nullable=True),
        sa.Column('set_at', UTCDateTime(), nullable=False),
    )
    op.create_table(
        'signing_credentials',
        sa.Column('account_id', sa.String(36), sa.ForeignKey('accounts.id'), primary_key=True),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=True),
    )
    op.create_index('ix_signing_credentials_expires_at', 'signing_credentials', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_signing_credentials_expires_at', 'signing_credentials')
    op.drop_table('signing_credentials')
    op.drop_table('account_keys')
    op.drop_table('agency_profiles')
