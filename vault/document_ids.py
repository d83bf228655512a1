"""Documents by id, for rooms that keep rows of their own about them.

A node's outbox (`sohoa.usecases.sync`) records which documents the centre has acknowledged;
which documents exist, and in what order they were filed, is the vault's to say. The
outbox hands in the ids to leave out as a subquery on its own table, so neither side
queries the other's.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .models import Document


def documents_in_filing_order(session: Session, *, limit: int,
                              excluding: Select[str] | None = None) -> list[str]:
    """Ids of documents, oldest filed first, leaving out those ``excluding`` selects."""
    query = select(Document.id)
    if excluding is not None:
        query = query.where(Document.id.not_in(excluding))
    return list(session.scalars(query.order_by(Document.created_at, Document.id).limit(limit)))


def document_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0
