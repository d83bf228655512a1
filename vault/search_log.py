"""The search index's change log: which documents to index again, written in the
transaction that changed them.

The ranked index (``vault.search_engine``) lives in a folder beside each server, not
in the database, and the processes that change documents (API workers, job workers on
other machines) are not the one that writes it. So a change only notes the document
here, in its own transaction — committed with the change or not at all — and each
server's indexer (``vault.search_indexer``) reads the log from where it stopped and
indexes those documents again from their records and texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, utcnow


class SearchChange(Base):
    """A document to index again (or drop, when it is gone or can no longer be read)."""

    __tablename__ = "search_log"

    # BIGINT on PostgreSQL; INTEGER on SQLite, where only that is the rowid.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                     primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(36))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class _Noted:
    """How many times this process noted changes: a search in the process that made a
    change takes it in first (it reads what it wrote), and others do not look."""

    count = 0


def note_changed(session: Session, document_ids: Iterable[str]) -> None:
    """Log documents whose words or reach changed, in ``session``'s transaction."""
    rows = [{"document_id": document_id, "changed_at": utcnow()}
            for document_id in dict.fromkeys(document_ids)]
    if rows:
        session.execute(insert(SearchChange), rows)
        _Noted.count += 1


def noted_here() -> int:
    return _Noted.count
