"""agencies ask each other for a dossier's data; a refusal keeps its reason and legal basis

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'data_requests',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossiers.id'), nullable=False),
        sa.Column('requester_id', sa.Integer(), sa.ForeignKey('agencies.id'), nullable=False),
        sa.Column('holder_id', sa.Integer(), sa.ForeignKey('agencies.id'), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('requester_basis', sa.Text(), nullable=False),
        sa.Column('requested_by', sa.String(255), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('decided_by', sa.String(255), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('legal_basis', sa.Text(), nullable=True),
        sa.Column('grant_id', sa.String(36), sa.ForeignKey('grants.id'), nullable=True),
    )
    for column in ('dossier_id', 'requester_id', 'holder_id', 'status'):
        op.create_index(f'ix_data_requests_{column}', 'data_requests', [column])


def downgrade() -> None:
    for column in ('dossier_id', 'requester_id', 'holder_id', 'status'):
        op.drop_index(f'ix_data_requests_{column}', 'data_requests')
    op.drop_table('data_requests')
