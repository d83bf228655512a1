"""the audit trail as one hash chain: seq, prev_hash and hash on every event, and its head

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 15:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime
from vault.audit import GENESIS, event_hash

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events') as batch:
        batch.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(64), nullable=True))
        batch.add_column(sa.Column('hash', sa.String(64), nullable=True))
    head = op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    # Link the events recorded before the chain existed, oldest first.
    events = sa.table('audit_events', sa.column('id', sa.Integer()), sa.column('at', UTCDateTime()),
                      sa.column('actor', sa.String()), sa.column('action', sa.String()),
                      sa.column('subject_type', sa.String()), sa.column('subject_id', sa.String()),
                      sa.column('details', sa.JSON()), sa.column('note', sa.Text()),
                      sa.column('seq', sa.BigInteger()), sa.column('prev_hash', sa.String()),
                      sa.column('hash', sa.String()))
    connection = op.get_bind()
    prev, seq = GENESIS, 0
    for row in connection.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        details = row['details'] if not isinstance(row['details'], str) else json.loads(row['details'])
        digest = event_hash(prev, seq, row['at'], row['actor'], row['action'], row['subject_type'],
                            row['subject_id'], details or {}, row['note'])
        connection.execute(events.update().where(events.c.id == row['id'])
                           .values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    op.bulk_insert(head, [{'id': 1, 'seq': seq, 'hash': prev}])
    with op.batch_alter_table('audit_events') as batch:
        batch.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column('prev_hash', existing_type=sa.String(64), nullable=False)
        batch.alter_column('hash', existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint('uq_audit_events_seq', ['seq'])


def downgrade() -> None:
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events') as batch:
        batch.drop_constraint('uq_audit_events_seq', type_='unique')
        batch.drop_column('hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')
