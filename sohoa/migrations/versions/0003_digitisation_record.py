"""digitisation record, result code and extraction on documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('kind', sa.String(16), nullable=False, server_default='COMPONENT'))
        batch.add_column(sa.Column('number_symbol', sa.String(64), nullable=True))
        batch.add_column(sa.Column('issue_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('issuing_body', sa.String(200), nullable=True))
        batch.add_column(sa.Column('summary', sa.String(500), nullable=True))
        batch.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch.add_column(sa.Column('validity_scope', sa.String(255), nullable=True))
        batch.add_column(sa.Column('signer_name', sa.String(100), nullable=True))
        batch.add_column(sa.Column('signer_position', sa.String(100), nullable=True))
        batch.add_column(sa.Column('result_code', sa.String(120), nullable=True))
        batch.add_column(sa.Column('extraction', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
        batch.add_column(sa.Column('extraction_method', sa.String(8), nullable=True))
        batch.create_unique_constraint('uq_documents_result_code', ['result_code'])


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_constraint('uq_documents_result_code', type_='unique')
        for column in ('extraction_method', 'extraction', 'result_code', 'signer_position',
                       'signer_name', 'validity_scope', 'valid_until', 'summary', 'issuing_body',
                       'issue_date', 'number_symbol', 'kind'):
            batch.drop_column(column)
