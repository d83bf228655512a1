"""The ranked search index beside the database (Tantivy): what ``vault.search`` asks
when a viewer searches, and what the database alone could not answer at a province's
scale.

The database lists every document holding a word before it can rank them or drop
those the viewer may not see: for a word found in many of ten million documents that
is hundreds of thousands of rows per search. Tantivy keeps, per word, postings with
block-wise maximum scores (block-max WAND), so the best twenty documents for a common
word are found without scoring the rest. What keeps that true under the visibility
rule is that staff search their own agency's fields: each document's tokens are
indexed a second time prefixed by each agency that received it (``a17.t…``), so the
postings an officer's search walks are their agency's only. Citizens' and archivists'
searches are narrowed by a term of their own (their vault, the archive) instead.

Only blind tokens go in (``vault.search``): the index, like the database, holds no
word. Ranking is BM25 over the folded words; documents matching every word as it was
typed (accents and all) come first, then those matching only folded (for "đường":
every "đường" before any "dương"). What the index answers is a superset: the caller
checks each hit against the visibility rule in the database before showing it.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy

from .search import Phrase, Term, Word

log = logging.getLogger(__name__)

_FIELDS_WITH_POSITIONS = ("exact", "folded", "s_exact", "s_folded")


class IndexBusy(RuntimeError):
    """Another process writes this index folder (Tantivy's lock): this one only reads."""


@dataclass(frozen=True)
class IndexedDocument:
    """What the index knows of one document: its blind tokens, where it may be seen
    from, and what it is filtered by."""

    id: str
    #: The words in reading order, as written and folded (same positions): phrases.
    exact: Sequence[str]
    folded: Sequence[str]
    #: Tokens of the folded words' beginnings: "khai*" finds "khai sinh".
    prefixes: Iterable[str]
    #: The agencies that received it (their staff search it through their own fields).
    agencies: Sequence[str]
    #: The blind index of its owner (their vault).
    owner: str
    created: datetime
    doc_type: str = ""
    #: Agencies granted a look at it (a superset: the database has the last word).
    granted_to: Sequence[str] = ()
    archived: bool = False


@dataclass(frozen=True)
class Reach:
    """Where a viewer's search looks: every document, one agency's (and what it was
    granted), some vaults, or the archive."""

    everywhere: bool = False
    agency: str | None = None
    owners: tuple[str, ...] = ()
    archive: bool = False


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to besides the viewer's reach; ``owner``: one vault
    (its blind index), ``agency``: documents one agency received (its ID)."""

    owner: str | None = None
    doc_type: str | None = None
    agency: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.owner, self.doc_type, self.agency,
                                           self.created_from, self.created_to))


@dataclass(frozen=True)
class Hit:
    document_id: str
    score: float
    #: Every word matched as typed (accents and all), not only folded.
    exact: bool


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in _FIELDS_WITH_POSITIONS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("prefix", tokenizer_name="whitespace", index_option="basic")
    for name in ("owner", "reach", "agency", "doc_type"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_date_field("created", fast=True, indexed=True)
    return builder.build()


class SearchEngine:
    """One index folder: any number of processes read it; one at a time writes it
    (Tantivy's own lock; the others stay readers and see each commit)."""

    def __init__(self, path: Path, *, writer_bytes: int = 100_000_000,
                 writer_threads: int = 1) -> None:
        """``writer_threads``: a server indexes a few documents at a time (one is
        plenty); building a whole index takes more."""
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        try:
            self._index = tantivy.Index(self.schema, path=str(path))
        except ValueError as exc:
            # Made by another version of the service: the folder is only ever derived
            # from the vault, so it is emptied and its indexer builds it again.
            log.warning("search index at %s is of another kind (%s): built again", path, exc)
            for item in path.iterdir():
                shutil.rmtree(item) if item.is_dir() else item.unlink()
            self._index = tantivy.Index(self.schema, path=str(path))
        self._writer_bytes = writer_bytes
        self._writer_threads = writer_threads
        self._writer: Any = None
        self._lock = threading.Lock()

    # -- writing --------------------------------------------------------------------
    def _writing(self) -> Any:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=self._writer_bytes,
                                                  num_threads=self._writer_threads)
            except ValueError as exc:
                if "Lock" in str(exc):
                    raise IndexBusy(str(exc)) from None
                raise
        return self._writer

    def put(self, documents: Iterable[IndexedDocument]) -> int:
        """Index documents, each replacing what was indexed under its ID; seen by
        searches after ``commit``."""
        count = 0
        with self._lock:
            writer = self._writing()
            for document in documents:
                writer.delete_documents_by_term("id", document.id)
                writer.add_document(_document(document))
                count += 1
        return count

    def remove(self, document_ids: Iterable[str]) -> None:
        with self._lock:
            writer = self._writing()
            for document_id in document_ids:
                writer.delete_documents_by_term("id", document_id)

    def clear(self) -> None:
        """Drop every document (the index is being built anew)."""
        with self._lock:
            self._writing().delete_all_documents()

    def commit(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
        self.refresh()

    def refresh(self) -> None:
        """See what was committed since, now (readers reload on their own about half a
        second after another process commits)."""
        self._index.reload()

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- reading --------------------------------------------------------------------
    def search(self, terms: Sequence[Term], reach: Reach, *, filters: Filters | None = None,
               limit: int = 20, offset: int = 0) -> list[Hit]:
        """The best ``limit`` documents from ``offset``: those matching every word as
        typed first, then those matching only folded, each tier by BM25."""
        if not terms:
            return []
        searcher = self._index.searcher()
        wanted = offset + limit
        exact = self._tier(searcher, terms, reach, filters, exact=True, limit=wanted)
        hits = [Hit(i, s, True) for i, s in exact]
        if len(exact) < wanted:
            seen = {i for i, _ in exact}
            folded = self._tier(searcher, terms, reach, filters, exact=False,
                                limit=wanted + len(seen))
            hits += [Hit(i, s, False) for i, s in folded if i not in seen]
        return hits[offset:wanted]

    def _tier(self, searcher: Any, terms: Sequence[Term], reach: Reach,
              filters: Filters | None, *, exact: bool, limit: int) -> list[tuple[str, float]]:
        found: dict[str, float] = {}
        for query in self._queries(terms, reach, filters, exact=exact):
            result = searcher.search(query, limit, count=False)
            for score, address in result.hits:
                document_id = searcher.doc(address)["id"][0]
                found[document_id] = max(score, found.get(document_id, score))
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def _queries(self, terms: Sequence[Term], reach: Reach, filters: Filters | None, *,
                 exact: bool) -> list[Any]:
        """One query per path the viewer's results come by; each is answered on its own
        (a disjunction of whole paths would lose the postings' block-max skipping)."""
        narrowing = self._filters(filters)
        if reach.agency is not None:
            scope = f"a{reach.agency}."
            own = self._matching(terms, exact=exact, scope=scope)
            granted = self._matching(terms, exact=exact) + [self._term("reach", f"g{reach.agency}")]
            return [self._all(own + narrowing), self._all(granted + narrowing)]
        clauses = self._matching(terms, exact=exact) + narrowing
        if reach.everywhere:
            return [self._all(clauses)]
        paths = []
        if reach.owners:
            paths.append(self._all(clauses + [tantivy.Query.term_set_query(
                self.schema, "owner", list(reach.owners))]))
        if reach.archive:
            paths.append(self._all(clauses + [self._term("reach", "archive")]))
        return paths

    def _matching(self, terms: Sequence[Term], *, exact: bool, scope: str = "") -> list[Any]:
        fields = ("s_exact", "s_folded") if scope else ("exact", "folded")
        name = fields[0] if exact else fields[1]
        clauses: list[Any] = []
        for term in terms:
            if isinstance(term, Word):
                clauses.append(self._word(term, name, scope, exact))
            elif isinstance(term, Phrase):
                tokens: list[str | tuple[int, str]] = [
                    scope + (w.exact if exact else w.folded) for w in term.words]
                clauses.append(tantivy.Query.phrase_query(self.schema, name, tokens)
                               if len(tokens) > 1 else self._term(name, str(tokens[0])))
            else:
                clauses.append(self._term("prefix", term.token))
                if scope:  # prefixes are indexed once, not per agency
                    clauses.append(self._term("agency", scope[1:-1]))
        return clauses

    def _word(self, word: Word, name: str, scope: str, exact: bool) -> Any:
        """The word's own tier field; in the folded tier, the as-typed field adds to the
        score, so a folded match that is also exact ranks as such."""
        token = scope + (word.exact if exact else word.folded)
        if exact:
            return self._term(name, token)
        typed = name.replace("folded", "exact")
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, self._term(name, token)),
            (tantivy.Occur.Should, tantivy.Query.boost_query(
                self._term(typed, scope + word.exact), 2.0))])

    def _filters(self, filters: Filters | None) -> list[Any]:
        if filters is None or not filters.any():
            return []
        clauses = []
        if filters.owner:
            clauses.append(self._term("owner", filters.owner))
        if filters.doc_type:
            clauses.append(self._term("doc_type", filters.doc_type))
        if filters.agency:
            clauses.append(self._term("agency", filters.agency))
        if filters.created_from or filters.created_to:
            clauses.append(tantivy.Query.range_query(
                self.schema, "created", tantivy.FieldType.Date, _within(filters.created_from),
                _within(filters.created_to)))
        return [tantivy.Query.const_score_query(c, 0.0) for c in clauses]

    def _term(self, name: str, value: str) -> Any:
        return tantivy.Query.term_query(self.schema, name, value)

    @staticmethod
    def _all(clauses: list[Any]) -> Any:
        if len(clauses) == 1:
            return clauses[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])

    def count(self) -> int:
        return int(self._index.searcher().num_docs)


def _within(moment: datetime | None) -> datetime | None:
    """A date the index can hold (its dates are 64-bit nanoseconds: 1678 to 2261)."""
    if moment is None:
        return None
    return min(max(moment, _EARLIEST), _LATEST)


_EARLIEST = datetime(1700, 1, 1, tzinfo=UTC)
_LATEST = datetime(2260, 1, 1, tzinfo=UTC)


def _scoped(scope: str, tokens: Sequence[str]) -> str:
    """"a17.t1 a17.t2 …": the tokens prefixed by the scope, in one join."""
    return scope + (" " + scope).join(tokens) if tokens else ""


def _document(document: IndexedDocument) -> Any:
    scopes = [f"a{agency}." for agency in document.agencies]
    reach = [f"g{agency}" for agency in document.granted_to]
    if document.archived:
        reach.append("archive")
    values: dict[str, Any] = {
        "id": document.id, "exact": " ".join(document.exact),
        "folded": " ".join(document.folded), "prefix": " ".join(document.prefixes),
        "owner": document.owner, "created": document.created,
        # Each agency's copy of the tokens, prefixed by the agency: its staff's postings.
        "s_exact": [_scoped(s, document.exact) for s in scopes],
        "s_folded": [_scoped(s, document.folded) for s in scopes],
        "reach": reach, "agency": list(document.agencies), "doc_type": document.doc_type}
    return tantivy.Document(**{name: value for name, value in values.items()
                               if value not in ("", [])})
