"""Keeping a server's ranked index (``vault.search_engine``) up to the change log
(``vault.search_log``): what each process that serves searches runs.

The indexer reads the log from where its index stopped, loads each document noted —
its record, opened by the row sealer, and its recognised text, opened from the vault —
and indexes it again, or drops it when it is gone or its vault was shredded. Where the
index stopped is kept in the index folder beside it, so a server that was down takes
up where it left off, and one whose folder is empty builds it from every document.

Log rows are numbered as they are inserted, not as they commit: a transaction that
commits late leaves a lower number behind a higher one already read. So the indexer
moves its mark only past rows older than ``settle_seconds`` (no filing transaction
lasts that long) and reads the younger ones again each time, indexing each row once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from storage.encryption import DataKeyUnavailable

from .access import live_grant
from .grants import Grant, GrantItem
from .models import Document, Dossier, FileRole, FileVersion
from .search import IndexingOptions, metadata_of
from .search_log import SearchChange, noted_here
from .store import VaultState, VaultStore

if TYPE_CHECKING:
    from .search_engine import IndexedDocument, SearchEngine

log = logging.getLogger(__name__)

#: The file beside the index that says how far into the log it is (``{"seq": N}``).
MARK = "applied.json"


class SearchIndexer(VaultStore):
    """The index folder of this server and the work of keeping it current."""

    def __init__(self, state: VaultState, options: IndexingOptions) -> None:
        super().__init__(state)
        self.options = options
        self._engine: SearchEngine | None = None
        self._lock = threading.Lock()
        #: Rows younger than the mark that are indexed already.
        self._recent: set[int] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: ``noted_here()`` when this indexer last followed the log.
        self._seen_here = -1

    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            from .search_engine import SearchEngine  # loads Tantivy: only when searched

            self._engine = SearchEngine(self.options.folder,
                                        writer_bytes=self.options.writer_bytes)
        return self._engine

    # -- the log ----------------------------------------------------------------------
    def catch_up_with_this_process(self) -> None:
        """Follow the log if this process changed documents since it last did: a search
        then finds what the same process just filed. Changes from elsewhere come in on
        the server's round (``start``), so a search costs no look at the log."""
        if noted_here() != self._seen_here:
            self.catch_up()

    def catch_up(self) -> int | None:
        """Index what the log holds past this index; the documents indexed, or None when
        another process writes this folder (it will, and this one sees its commits)."""
        from .search_engine import IndexBusy

        with self._lock:
            seen = noted_here()
            try:
                mark = self._mark()
                done = self._rebuild(None) if mark is None else self._follow(mark)
            except IndexBusy:
                # Another writer holds the folder for now: this process's changes are
                # still to be taken in, so its next search tries again.
                return None
            self._seen_here = seen
            return done

    def _follow(self, mark: int) -> int:
        done, cursor, moving, start = 0, mark, True, mark
        settled = datetime.now(UTC) - timedelta(seconds=self.options.settle_seconds)
        while True:
            with self._reads() as session:
                rows = session.execute(
                    select(SearchChange.seq, SearchChange.document_id, SearchChange.changed_at)
                    .where(SearchChange.seq > cursor).order_by(SearchChange.seq)
                    .limit(self.options.batch)).all()
            fresh = [row for row in rows if row.seq not in self._recent]
            if fresh:
                done += self._index_ids([row.document_id for row in fresh])
                self._recent.update(row.seq for row in fresh)
            for row in rows:  # the mark moves over the settled rows at the front only
                moving = moving and row.changed_at < settled
                if moving:
                    mark = row.seq
                    self._recent.discard(row.seq)
            if len(rows) < self.options.batch:
                break
            cursor = rows[-1].seq
        if mark != start:
            self._write_mark(mark)
        return done

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every document anew (after an upgrade, a change of search key, or a lost
        folder); the documents indexed. Changes made meanwhile are read from the log."""
        with self._lock:
            return self._rebuild(progress)

    def _rebuild(self, progress: Callable[[int, int], None] | None) -> int:
        with self._reads() as session:
            start = session.scalar(select(func.max(SearchChange.seq))) or 0
            total = session.scalar(select(func.count()).select_from(Document)) or 0
        engine = self.engine
        engine.clear()
        done = 0
        for batch in self._all_ids():
            done += self._index_ids(batch)
            if progress:
                progress(done, total)
        self._recent.clear()
        self._write_mark(start)
        log.info("search index built: %d documents", done)
        return done

    def _all_ids(self) -> Iterator[list[str]]:
        after = ""
        while True:
            with self._reads() as session:
                ids = list(session.scalars(select(Document.id).where(Document.id > after)
                                           .order_by(Document.id).limit(self.options.batch)))
            if ids:
                yield ids
            if len(ids) < self.options.batch:
                return
            after = ids[-1]

    def _mark(self) -> int | None:
        try:
            return int(json.loads((self.options.folder / MARK).read_text())["seq"])
        except (FileNotFoundError, ValueError, KeyError):
            return None

    def _write_mark(self, seq: int) -> None:
        # Written after the index's commit: a crash between them indexes a few rows twice.
        path = self.options.folder / MARK
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"seq": seq}))
        temporary.replace(path)

    # -- documents --------------------------------------------------------------------
    def _index_ids(self, ids: list[str]) -> int:
        indexed, gone = self._documents(ids)
        engine = self.engine
        engine.put(indexed)
        engine.remove(gone)
        engine.commit()
        return len(indexed)

    def _documents(self, ids: list[str]) -> tuple[list[IndexedDocument], list[str]]:
        """What the index should hold of each document; the IDs to drop (gone, or their
        vault shredded)."""
        indexed: list[IndexedDocument] = []
        with self._sessions() as session:
            granted = self._grants(session, ids)
            found = set()
            for document_id in ids:
                try:
                    document = session.scalar(select(Document).where(Document.id == document_id)
                                              .options(joinedload(Document.owner),
                                                       joinedload(Document.dossier)))
                    if document is not None:
                        indexed.append(self._indexed(session, document,
                                                     granted.get(document_id, ())))
                        found.add(document_id)
                except DataKeyUnavailable:
                    session.rollback()  # its vault is shredded: it is found no more
        return indexed, [i for i in ids if i not in found]

    @staticmethod
    def _grants(session: Session, ids: list[str]) -> dict[str, tuple[str, ...]]:
        rows = session.execute(select(GrantItem.document_id, Grant.agency_id)
                               .join(Grant, Grant.id == GrantItem.grant_id)
                               .where(GrantItem.document_id.in_(ids), live_grant())).all()
        granted: dict[str, tuple[str, ...]] = {}
        for document_id, agency_id in rows:
            granted[document_id] = (*granted.get(document_id, ()), str(agency_id))
        return granted

    def _indexed(self, session: Session, document: Document,
                 granted: tuple[str, ...]) -> IndexedDocument:
        from .search_engine import IndexedDocument

        assert self._index is not None
        version = session.scalar(select(FileVersion).where(
            FileVersion.document_id == document.id, FileVersion.role == FileRole.TEXT.value))
        text = self._text_of(session, version) if version is not None else ""
        terms = self._index.document_terms([*metadata_of(document), text])
        dossier: Dossier | None = document.dossier
        agencies = [str(a) for a in dict.fromkeys(
            (document.agency_id, dossier.agency_id if dossier else None)) if a is not None]
        return IndexedDocument(
            document.id, terms.exact, terms.folded, terms.prefixes, agencies,
            document.owner.id_index, document.created_at, document.doc_type, granted,
            archived=dossier is not None and dossier.archived_at is not None)

    # -- the server's loop --------------------------------------------------------------
    def start(self, poll_seconds: float) -> None:
        """Follow the log every ``poll_seconds`` on a thread of its own."""
        if self._thread is not None or poll_seconds <= 0:
            return
        self._thread = threading.Thread(target=self._run, args=(poll_seconds,),
                                        name="search-indexer", daemon=True)
        self._thread.start()

    def _run(self, poll_seconds: float) -> None:
        while not self._stop.wait(poll_seconds):
            try:
                self.catch_up()
            except Exception:  # noqa: BLE001 - the next round tries again; searches go on
                log.exception("the search indexer could not follow the log")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._engine is not None:
            self._engine.close()
