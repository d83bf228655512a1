"""personal data in rows sealed: owners, documents, accounts, jobs (storage.sealing)

The clear columns are read, sealed under their vault's data key with the sealer the
service passes in (``sohoa.db.migrate``), and dropped; IDs and result codes keep a
blind index for look-ups. A database with rows cannot be upgraded without the keys.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

DOCUMENT_FIELDS = ('title', 'number_symbol', 'issuing_body', 'summary', 'validity_scope',
                   'signer_name', 'signer_position', 'result_code', 'extraction')

owners = sa.table('owners', sa.column('id', sa.Integer), sa.column('identifier', sa.String),
                  sa.column('display_name', sa.String), sa.column('vault_key', sa.String),
                  sa.column('id_index', sa.String), sa.column('sealed', sa.LargeBinary))
documents = sa.table('documents', sa.column('id', sa.String), sa.column('owner_id', sa.Integer),
                     *[sa.column(name, sa.JSON if name == 'extraction' else sa.String)
                       for name in DOCUMENT_FIELDS],
                     sa.column('result_code_index', sa.String),
                     sa.column('sealed', sa.LargeBinary))
accounts = sa.table('accounts', sa.column('id', sa.String), sa.column('display_name', sa.String),
                    sa.column('owner_identifier', sa.String), sa.column('owner_index', sa.String),
                    sa.column('sealed', sa.LargeBinary))
jobs = sa.table('jobs', sa.column('id', sa.String), sa.column('params', sa.JSON),
                sa.column('result', sa.JSON), sa.column('owner_identifier', sa.String),
                sa.column('owner_index', sa.String), sa.column('sealed', sa.LargeBinary))


def _sealer(bind: sa.Connection) -> Any:
    sealer = context.config.attributes.get('sealer')
    if sealer is None:
        raise RuntimeError(
            'migration 0016 seals the personal data already in the database and needs the '
            "service's keys: run it through the service (sohoa serve or any sohoa command), "
            'not alembic alone')
    return sealer


def _seal_rows(bind: sa.Connection) -> None:
    counts = [bind.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
              for t in (owners, documents, accounts, jobs)]
    if not any(counts):
        return
    sealer = _sealer(bind)
    vaults: dict[int, str] = {}
    for row in bind.execute(sa.select(owners)).all():
        vaults[row.id] = row.vault_key
        bind.execute(owners.update().where(owners.c.id == row.id).values(
            id_index=sealer.blind(row.identifier),
            sealed=sealer.seal(bind, row.vault_key, f'owners:{row.vault_key}',
                               {'identifier': row.identifier,
                                'display_name': row.display_name})))
    for row in bind.execute(sa.select(documents)).all():
        plain = {name: getattr(row, name) for name in DOCUMENT_FIELDS}
        plain['extraction'] = plain['extraction'] or []
        bind.execute(documents.update().where(documents.c.id == row.id).values(
            result_code_index=sealer.blind(row.result_code) if row.result_code else None,
            sealed=sealer.seal(bind, vaults[row.owner_id], f'documents:{row.id}', plain)))
    for row in bind.execute(sa.select(accounts)).all():
        bind.execute(accounts.update().where(accounts.c.id == row.id).values(
            owner_index=sealer.blind(row.owner_identifier) if row.owner_identifier else None,
            sealed=sealer.seal(bind, 'accounts', f'accounts:{row.id}',
                               {'display_name': row.display_name,
                                'owner_identifier': row.owner_identifier})))
    for row in bind.execute(sa.select(jobs)).all():
        bind.execute(jobs.update().where(jobs.c.id == row.id).values(
            owner_index=sealer.blind(row.owner_identifier) if row.owner_identifier else None,
            sealed=sealer.seal(bind, 'jobs', f'jobs:{row.id}',
                               {'params': row.params, 'result': row.result})))


def upgrade() -> None:
    # Each table gets its blind-index column and the column its sealed fields live in.
    for table, index in (('owners', 'id_index'), ('documents', 'result_code_index'),
                         ('accounts', 'owner_index'), ('jobs', 'owner_index')):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(index, sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))

    _seal_rows(op.get_bind())

    with op.batch_alter_table('owners') as batch_op:
        batch_op.drop_column('identifier')
        batch_op.drop_column('display_name')
        batch_op.alter_column('id_index', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint('uq_owners_id_index', ['id_index'])
    with op.batch_alter_table('documents') as batch_op:
        for name in DOCUMENT_FIELDS:
            batch_op.drop_column(name)
        batch_op.create_unique_constraint('uq_documents_result_code_index',
                                          ['result_code_index'])
    with op.batch_alter_table('accounts') as batch_op:
        batch_op.drop_index('ix_accounts_owner_identifier')
        batch_op.drop_column('owner_identifier')
        batch_op.drop_column('display_name')
        batch_op.create_index('ix_accounts_owner_index', ['owner_index'], unique=False)
    with op.batch_alter_table('jobs') as batch_op:
        batch_op.drop_column('owner_identifier')
        batch_op.drop_column('params')
        batch_op.drop_column('result')
        batch_op.create_index('ix_jobs_owner_index', ['owner_index'], unique=False)


def downgrade() -> None:
    raise NotImplementedError('personal data is not put back in clear: restore a backup '
                              'taken before this release instead')
