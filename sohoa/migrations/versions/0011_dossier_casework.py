"""dossier casework: status and due date, components, processing history, notices to owners; agency successors

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


#: SQLite keeps the unique constraint of 0001 unnamed; this names it for batch mode.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    # A merger moves dossiers of several units to one; the code (unique, and never changed)
    # keeps naming the unit and day that received each, so (agency, day, sequence) need not
    # be unique any more.
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('dossiers', naming_convention=_SQLITE_NAMES) as batch_op:
            batch_op.drop_constraint('uq_dossiers_agency_id', type_='unique')
    else:
        op.drop_constraint('dossiers_agency_id_received_on_sequence_key', 'dossiers',
                           type_='unique')
    # Dossiers received before this release keep their code and start as RECEIVED.
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(16), nullable=False,
                                      server_default='RECEIVED'))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('completed_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_agencies_successor', 'agencies', ['successor_id'], ['id'])
    op.create_table(
        'dossier_components',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossiers.id'), nullable=False),
        sa.Column('code', sa.String(64), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('document_id', sa.String(36), sa.ForeignKey('documents.id'), nullable=True),
        sa.Column('source', sa.String(16), nullable=True),
        sa.Column('reason', sa.String(500), nullable=True),
        sa.Column('attached_at', UTCDateTime(), nullable=True),
        sa.Column('attached_by', sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dossier_components_dossier_id', 'dossier_components', ['dossier_id'])
    op.create_index('ix_dossier_components_document_id', 'dossier_components', ['document_id'])
    op.create_table(
        'dossier_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossiers.id'), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('actor', sa.String(255), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('from_status', sa.String(16), nullable=True),
        sa.Column('to_status', sa.String(16), nullable=True),
        sa.Column('reason_code', sa.String(64), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('official', sa.String(100), nullable=True),
        sa.Column('position', sa.String(100), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dossier_events_dossier_id', 'dossier_events', ['dossier_id'])
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), sa.ForeignKey('owners.id'), nullable=False),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossiers.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('reason_code', sa.String(64), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notices_owner_id', 'notices', ['owner_id'])
    op.create_index('ix_notices_dossier_id', 'notices', ['dossier_id'])


def downgrade() -> None:
    op.drop_table('notices')
    op.drop_table('dossier_events')
    op.drop_table('dossier_components')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_agencies_successor', type_='foreignkey')
        batch_op.drop_column('successor_id')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('completed_at')
        batch_op.drop_column('due_on')
        batch_op.drop_column('status')
        batch_op.create_unique_constraint('uq_dossiers_agency_id',
                                          ['agency_id', 'received_on', 'sequence'])
