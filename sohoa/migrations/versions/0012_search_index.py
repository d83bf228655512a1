"""full-text search over blind tokens: SQLite FTS5, PostgreSQL tsvector with GIN

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Documents stored before this release are indexed by 'sohoa search reindex'.
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


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE search_rows")
