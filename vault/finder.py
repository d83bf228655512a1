"""Search as the vault's callers use it: the best matches, of what the caller may see.

The ranked index (``vault.search_engine``) answers which documents match, best first;
the database then checks each against the visibility rule (``visible_documents``)
before anything of it is shown, so an index a moment behind a revoked grant or an
archived dossier never shows what it should not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kernel import OwnerId, Role, Viewer

from .access import visible_documents
from .errors import InvalidRecordValue
from .models import Agency, Document
from .search import Term, highlights
from .search_indexer import SearchIndexer
from .store import VaultState, VaultStore

#: Rounds of asking the index for more when the database turned hits down.
_ROUNDS = 4


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
    #: BM25 of the match; ``exact``: every word matched as typed, accents and all.
    score: float = 0.0
    exact: bool = False
    #: Where the title holds what was asked: (start, end) character spans.
    title_marks: list[tuple[int, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "doc_type": self.doc_type,
                "kind": self.kind, "status": self.status, "result_code": self.result_code,
                "dossier": self.dossier, "created_at": self.created_at.isoformat(),
                "revoked": self.revoked, "score": round(self.score, 4), "exact": self.exact,
                "highlights": {"title": [list(span) for span in self.title_marks]}}


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to: one vault, a kind of document, the agency that
    received it, when it was filed."""

    owner: OwnerId | None = None
    doc_type: str | None = None
    agency: str | None = None
    filed_from: datetime | None = None
    filed_to: datetime | None = None


class Finder(VaultStore):
    """Ranked full-text search, and the index's upkeep (``indexer``)."""

    def __init__(self, state: VaultState) -> None:
        super().__init__(state)
        self.indexer = (SearchIndexer(state, state.search)
                        if state.search is not None and state.index is not None else None)
        #: Agency IDs by code: a code names one agency for good (a merger adds one).
        self._agency_ids: dict[str, str] = {}

    def _terms(self, query: str) -> list[Term]:
        if self._index is None or self.indexer is None:
            raise InvalidRecordValue("tìm kiếm chưa được bật (search is not configured)")
        terms = self._index.query_terms(query)
        if not terms:
            raise InvalidRecordValue("cần ít nhất một từ để tìm (the query has no words)",
                                     field="q")
        return terms

    def search(self, query: str, *, viewer: Viewer, filters: SearchFilters | None = None,
               limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """The documents that hold every word of ``query`` (accents or not; "a phrase"
        in quotes, a beginning with ``*``) among those ``viewer`` may see: those that
        match as typed first, each group by relevance (BM25)."""
        from .search_engine import Filters

        terms = self._terms(query)
        assert self.indexer is not None
        self.indexer.catch_up_with_this_process()
        wanted = filters or SearchFilters()
        narrowed = Filters(
            owner=self.blind_index(wanted.owner) if wanted.owner else None,
            doc_type=wanted.doc_type or None, agency=self._agency_id(wanted.agency),
            created_from=wanted.filed_from, created_to=wanted.filed_to)
        if wanted.agency and narrowed.agency is None:
            return []
        reach = self._reach(viewer)
        found: list[SearchHit] = []
        start = offset
        for _ in range(_ROUNDS):
            asked = limit - len(found)
            hits = self.indexer.engine.search(terms, reach, filters=narrowed, limit=asked,
                                              offset=start)
            found += self._shown(hits, viewer, terms)
            if len(hits) < asked or len(found) >= limit:
                break
            start += len(hits)
        return found[:limit]

    def _shown(self, hits: list[Any], viewer: Viewer, terms: list[Term]) -> list[SearchHit]:
        """The hits the database says ``viewer`` may see, in the index's order."""
        if not hits:
            return []
        with self._reads() as session:
            rows = {d.id: d for d in session.scalars(
                select(Document).where(Document.id.in_([h.document_id for h in hits]),
                                       visible_documents(viewer))
                .options(joinedload(Document.dossier)))}
        assert self._index is not None
        return [SearchHit(d.id, d.title, d.doc_type, d.kind, d.status, d.result_code,
                          d.dossier.code if d.dossier else None, d.created_at,
                          d.revoked_at is not None, hit.score, hit.exact,
                          highlights(d.title, terms, self._index))
                for hit in hits if (d := rows.get(hit.document_id)) is not None]

    def _reach(self, viewer: Viewer) -> Any:
        from .search_engine import Reach

        if viewer.role is Role.SYSTEM:
            return Reach(everywhere=True)
        if viewer.role is Role.STAFF and viewer.agency:
            return Reach(agency=self._agency_id(viewer.agency))
        if viewer.role in (Role.CITIZEN, Role.ORGANISATION):
            return Reach(owners=tuple(sorted(viewer.owner_indexes)))
        if viewer.role is Role.ARCHIVIST:
            return Reach(archive=True)
        return Reach()  # administrators read no content (vault.access)

    def _agency_id(self, code: str | None) -> str | None:
        if not code:
            return None
        if code not in self._agency_ids:
            with self._reads() as session:
                found = session.scalar(select(Agency.id).where(Agency.code == code))
            if found is None:
                return None
            self._agency_ids[code] = str(found)
        return self._agency_ids[code]

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every document again from its record and its recognised text (after
        an upgrade, a change of search key, or a lost index folder)."""
        self._terms("x")  # refuses when search is not configured
        assert self.indexer is not None
        return self.indexer.rebuild(progress)

    def close(self) -> None:
        if self.indexer is not None:
            self.indexer.close()
