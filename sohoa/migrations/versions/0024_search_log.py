"""search moves to a ranked index beside the database (vault.search_engine): the
change log it is fed from replaces the database's own full-text tables

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kernel import UTCDateTime

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'search_log',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  primary_key=True, autoincrement=True),
        sa.Column('document_id', sa.String(36), nullable=False),
        sa.Column('changed_at', UTCDateTime(), nullable=False))
    op.create_index('ix_search_log_changed_at', 'search_log', ['changed_at'])
    # The index is built anew from the records and texts: 'sohoa search reindex', which
    # every server also does by itself when its index folder is empty.
    op.execute("DROP TABLE search_fts")
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE search_rows")


def downgrade() -> None:
    op.drop_index('ix_search_log_changed_at', 'search_log')
    op.drop_table('search_log')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE TABLE search_rows (id INTEGER PRIMARY KEY, "
                   "document_id VARCHAR(36) NOT NULL UNIQUE REFERENCES documents (id))")
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(meta_terms, text_terms, "
                   "tokenize = 'ascii')")
        return
    op.execute("CREATE TABLE search_fts (document_id VARCHAR(36) PRIMARY KEY "
               "REFERENCES documents (id), meta_terms TEXT NOT NULL, text_terms TEXT NOT NULL, "
               "tsv tsvector GENERATED ALWAYS AS "
               "(to_tsvector('simple', meta_terms || ' ' || text_terms)) STORED)")
    op.execute("CREATE INDEX ix_search_fts_tsv ON search_fts USING gin (tsv)")
