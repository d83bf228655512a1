"""Full-text search over blind tokens (tìm kiếm): the index never holds the text.

OCR text and metadata say as much as the files they come from, so the index must
not keep them in clear next to encrypted blobs. Each word is folded — accents and
tone marks stripped, ``đ`` to ``d``, lower case — so "quyet dinh" finds "quyết
định", then replaced by a keyed token: the first 8 bytes of HMAC-SHA256 under the
deployment's search key. The database's own full-text engine (SQLite FTS5 on the
embedded default, a PostgreSQL ``tsvector`` with a GIN index in production) indexes
the tokens; a query is folded and tokenised the same way. Without the key the
index is a bag of random-looking words; what still shows is how often a token
occurs, which docs/security.md discusses. Results are filtered by
``visible_documents``, the same rule as every other read.

The tables are made by migration 0012 and are not mapped: each engine's are its own.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, TextClause, bindparam, text
from sqlalchemy.orm import Session

from .models import Document

TOKEN_BYTES = 8
_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"t[0-9a-f]{16}")


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text: "Quyết Định" → "quyet dinh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class BlindIndex:
    """Keyed tokens of folded words; the same word always gives the same token."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the search key needs at least 16 bytes")
        self._key = key

    def token(self, word: str) -> str:
        # A letter first, so PostgreSQL's parser reads each token as one word (never as a
        # number such as "1e5").
        digest = hmac.new(self._key, word.encode(), hashlib.sha256).hexdigest()
        return "t" + digest[:2 * TOKEN_BYTES]

    def terms(self, parts: Iterable[str | None]) -> str:
        """The distinct tokens of the texts, space-separated, first seen first."""
        seen: dict[str, None] = {}
        for part in parts:
            for word in words(part or ""):
                seen.setdefault(self.token(word), None)
        return " ".join(seen)

    def query(self, text: str, limit: int = 32) -> list[str]:
        return list(dict.fromkeys(self.token(w) for w in words(text)))[:limit]


def metadata_of(document: Document) -> list[str | None]:
    """What a document is found by besides its text: the record, the codes, the dossier."""
    dossier = document.dossier
    return [document.title, document.doc_type, document.number_symbol, document.issuing_body,
            document.summary, document.result_code, document.signer_name,
            dossier.code if dossier else None, dossier.procedure if dossier else None]


def write(session: Session, document_id: str, meta_terms: str,
          text_terms: str | None = None) -> None:
    """Index a document; ``text_terms`` None keeps the text tokens already indexed."""
    if _postgresql(session):
        session.execute(text(
            "INSERT INTO search_fts (document_id, meta_terms, text_terms) "
            "VALUES (:id, :meta, coalesce(:text, '')) ON CONFLICT (document_id) DO UPDATE "
            "SET meta_terms = excluded.meta_terms, text_terms = CASE WHEN :text IS NULL "
            "THEN search_fts.text_terms ELSE excluded.text_terms END"
        ).bindparams(bindparam("text", type_=String)),
            {"id": document_id, "meta": meta_terms, "text": text_terms})
        return
    # SQLite: FTS5 rows are found by rowid, kept per document in search_rows.
    row = session.scalar(text("SELECT id FROM search_rows WHERE document_id = :id"),
                         {"id": document_id})
    if row is None:
        session.execute(text("INSERT INTO search_rows (document_id) VALUES (:id)"),
                        {"id": document_id})
        row = session.scalar(text("SELECT id FROM search_rows WHERE document_id = :id"),
                             {"id": document_id})
    else:
        if text_terms is None:
            text_terms = session.scalar(text("SELECT text_terms FROM search_fts WHERE "
                                             "rowid = :r"), {"r": row})
        session.execute(text("DELETE FROM search_fts WHERE rowid = :r"), {"r": row})
    session.execute(text("INSERT INTO search_fts (rowid, meta_terms, text_terms) "
                         "VALUES (:r, :meta, :text)"),
                    {"r": row, "meta": meta_terms, "text": text_terms or ""})


def forget(session: Session, document_ids: list[str]) -> None:
    """Drop documents from the index (a crypto-shredded vault is found no more)."""
    for start in range(0, len(document_ids), 500):
        ids = {"ids": document_ids[start:start + 500]}
        if _postgresql(session):
            session.execute(_in("DELETE FROM search_fts WHERE document_id IN :ids"), ids)
            continue
        session.execute(_in("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM "
                            "search_rows WHERE document_id IN :ids)"), ids)
        session.execute(_in("DELETE FROM search_rows WHERE document_id IN :ids"), ids)


def matching(session: Session, tokens: list[str], *, few: int = 500) -> ColumnElement[bool]:
    """A WHERE clause on ``Document``: every token is in its text or metadata.

    On PostgreSQL the index is asked first for up to ``few`` matching documents.
    Fewer are listed by ID, so the database fetches those few by key and sorts them;
    without the list, it misjudged words its statistics had not seen and walked the
    newest of a million documents one by one for a word in none (1.5 s, now 5 ms).
    More stay a subquery, which the planner answers well for common words."""
    if _postgresql(session):
        # The tsquery is written into the SQL, not bound: psycopg prepares a statement
        # run five times and PostgreSQL may then plan it once for any words, blind to
        # how common they are. Tokens are our own hex, checked here.
        if not all(_TOKEN.fullmatch(t) for t in tokens):
            raise ValueError("search tokens must come from BlindIndex")
        tsquery = f"to_tsquery('simple', '{' & '.join(tokens)}')"
        hits = f"SELECT document_id FROM search_fts WHERE tsv @@ {tsquery}"
        first = session.scalars(text(f"{hits} LIMIT :n"), {"n": few}).all()
        if len(first) < few:
            return Document.id.in_(first)
        return Document.id.in_(text(hits).columns(document_id=String).subquery().select())
    found = text("SELECT r.document_id FROM search_fts JOIN search_rows r "
                 "ON r.id = search_fts.rowid WHERE search_fts MATCH :q"
                 ).bindparams(q=" ".join(f'"{t}"' for t in tokens))
    return Document.id.in_(found.columns(document_id=String).subquery().select())


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _in(sql: str) -> TextClause:
    return text(sql).bindparams(bindparam("ids", expanding=True))
