"""passwords an administrator reset must be changed at next login; a changed password ends
the sessions opened before it

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as table:
        table.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        table.add_column(sa.Column('password_changed_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as table:
        table.drop_column('password_changed_at')
        table.drop_column('must_change_password')
