"""Search as the vault's callers use it: what matches, of what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from kernel import OwnerId, Viewer

from . import search
from .access import visible_documents
from .errors import InvalidRecordValue
from .models import Document, FileRole, FileVersion, Owner
from .store import VaultStore


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    doc_type: str
    kind: str
    status: str
    result_code: str | None
    dossier: str | None
    created_at: datetime
    revoked: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "doc_type": self.doc_type,
                "kind": self.kind, "status": self.status, "result_code": self.result_code,
                "dossier": self.dossier, "created_at": self.created_at.isoformat(),
                "revoked": self.revoked}


class Finder(VaultStore):
    """Full-text search and the index's upkeep."""

    def search(self, query: str, *, viewer: Viewer, owner: OwnerId | None = None,
               doc_type: str | None = None, limit: int = 50,
               offset: int = 0) -> list[SearchHit]:
        """Documents whose text or metadata hold every word of ``query``, accents or not,
        among those ``viewer`` may see; newest first."""
        if self._index is None:
            raise InvalidRecordValue("tìm kiếm chưa được bật (search is not configured)")
        tokens = self._index.query(query)
        if not tokens:
            raise InvalidRecordValue("cần ít nhất một từ để tìm (the query has no words)")
        with self._reads() as session:
            statement = (select(Document).where(search.matching(session, tokens),
                                                visible_documents(viewer))
                         .options(joinedload(Document.dossier))
                         .order_by(Document.created_at.desc(), Document.id)
                         .limit(limit).offset(offset))
            if owner is not None:
                statement = statement.join(Owner, Owner.id == Document.owner_id).where(
                    self._is_owner(owner))
            if doc_type:
                statement = statement.where(Document.doc_type == doc_type)
            return [SearchHit(d.id, d.title, d.doc_type, d.kind, d.status, d.result_code,
                              d.dossier.code if d.dossier else None, d.created_at,
                              d.revoked_at is not None)
                    for d in session.scalars(statement)]

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every document again from its record and its recognised text (after
        an upgrade, or a change of search key). Returns the documents indexed."""
        if self._index is None:
            raise InvalidRecordValue("tìm kiếm chưa được bật (search is not configured)")
        with self._sessions() as session:
            ids = list(session.scalars(select(Document.id).order_by(Document.created_at)))
        for done, document_id in enumerate(ids, start=1):
            with self._unit() as session:
                self._index_document(session, document_id, with_text=True)
            if progress:
                progress(done, len(ids))
        return len(ids)

    def _index_document(self, session: Session, document_id: str, *, with_text: bool) -> None:
        document = session.scalar(select(Document).where(Document.id == document_id)
                                  .options(joinedload(Document.dossier)))
        if document is None:
            return
        text = None
        if with_text:
            version = session.scalar(select(FileVersion).where(
                FileVersion.document_id == document_id, FileVersion.role == FileRole.TEXT.value))
            text = self._text_of(session, version) if version is not None else ""
        self._reindex(session, document, text)
