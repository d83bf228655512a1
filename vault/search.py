"""Full-text search over blind tokens (tìm kiếm): the index never holds the text.

OCR text and metadata say as much as the files they come from, so the index must
not keep them in clear next to encrypted blobs. Each word is folded — accents and
tone marks stripped, ``đ`` to ``d``, lower case — so "quyet dinh" finds "quyết
định", then replaced by a keyed token: the first 8 bytes of HMAC-SHA256 under the
deployment's search key. Each word is also kept as written, accents and all, under
tokens of its own kind, so what was typed can rank first, and the beginnings of words
(two to ``PREFIX_MAX`` letters) for searches such as "khai*". The ranked index
(``vault.search_engine``) holds only these tokens; a query is read and tokenised the
same way (``BlindIndex.query_terms``). Without the key the index is a bag of
random-looking words; what still shows is how often a token occurs, which
docs/security.md discusses. Hits are checked against ``visible_documents``, the same
rule as every other read, before anyone sees them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import Document

TOKEN_BYTES = 8
_WORD = re.compile(r"[a-z0-9]+")
_WRITTEN = re.compile(r"[^\W_]+")
#: A prefix search looks at most this far into a word (a longer one asks for this much).
PREFIX_MAX = 12
_PHRASE = re.compile(r'["“”]([^"“”]*)["“”]?')


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text: "Quyết Định" → "quyet dinh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def reading(text: str) -> list[tuple[str, str]]:
    """The words of ``text`` in reading order, each as written (lower case, accents
    kept) and folded: "Đường Láng" → [("đường", "duong"), ("láng", "lang")]."""
    pairs = []
    for word in _WRITTEN.findall(unicodedata.normalize("NFC", text).lower()):
        folded = "".join(_WORD.findall(fold(word)))
        if folded:
            pairs.append((word, folded))
    return pairs


def prefixes(folded: str) -> list[str]:
    """The beginnings a prefix search may ask for: two letters up to ``PREFIX_MAX``."""
    return [folded[:n] for n in range(2, min(len(folded), PREFIX_MAX) + 1)]


class BlindIndex:
    """Keyed tokens of folded words; the same word always gives the same token."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the search key needs at least 16 bytes")
        self._key = key
        # Words repeat (the same titles, the same queries): each is keyed once per process.
        self._keyed = functools.lru_cache(maxsize=1 << 17)(self._keyed_afresh)
        #: A written word's folded, exact and beginning tokens; None for no letters.
        self.word_tokens = functools.lru_cache(maxsize=1 << 16)(self._word_tokens_afresh)

    def token(self, word: str) -> str:
        """A folded word's token: a letter first, so no tokeniser reads it as a number."""
        return self._keyed(b"", word, "t")

    def _keyed_afresh(self, domain: bytes, word: str, lead: str) -> str:
        digest = hmac.new(self._key, domain + word.encode(), hashlib.sha256).hexdigest()
        return lead + digest[:2 * TOKEN_BYTES]

    def exact_token(self, word: str) -> str:
        """A word as written, accents and all: a token of its own kind, so the index
        does not show which words carry no accent."""
        return self._keyed(b"exact:", word, "e")

    def prefix_token(self, beginning: str) -> str:
        return self._keyed(b"prefix:", beginning, "p")

    def _word_tokens_afresh(self, written: str) -> tuple[str, str, frozenset[str]] | None:
        plain = "".join(_WORD.findall(fold(written)))
        if not plain:
            return None
        return (self.token(plain), self.exact_token(written),
                frozenset(self.prefix_token(p) for p in prefixes(plain)))

    def document_terms(self, parts: Iterable[str | None]) -> DocumentTerms:
        """A document's tokens for the ranked index: every word in order, as written and
        folded, and the beginnings of its words."""
        pairs = [pair for part in parts for pair in reading(part or "")]
        beginnings = dict.fromkeys(b for _, folded in pairs for b in prefixes(folded))
        return DocumentTerms([self.exact_token(w) for w, _ in pairs],
                             [self.token(f) for _, f in pairs],
                             [self.prefix_token(b) for b in beginnings])

    def query_terms(self, text: str, limit: int = 32) -> list[Term]:
        """What a search asks, as tokens: words, "phrases in quotes" and beginnings*."""
        terms: list[Term] = []
        for quoted in _PHRASE.findall(text):
            words_of = tuple(Word(self.exact_token(w), self.token(f)) for w, f in reading(quoted))
            if words_of:
                terms.append(Phrase(words_of) if len(words_of) > 1 else words_of[0])
        for piece in _PHRASE.sub(" ", text).split():
            pairs = reading(piece)
            if piece.endswith("*") and len(pairs) == 1 and len(pairs[0][1]) >= 2:
                terms.append(Prefix(self.prefix_token(pairs[0][1][:PREFIX_MAX])))
                continue
            terms.extend(Word(self.exact_token(w), self.token(f)) for w, f in pairs)
        return list(dict.fromkeys(terms))[:limit]


@dataclass(frozen=True)
class Word:
    exact: str
    folded: str


@dataclass(frozen=True)
class Prefix:
    token: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[Word, ...]


Term = Word | Prefix | Phrase


@dataclass(frozen=True)
class IndexingOptions:
    """Where the index lives and how its indexer behaves (settings ``SOHOA_SEARCH_*``)."""

    folder: Path
    settle_seconds: float = 30.0
    batch: int = 500
    writer_bytes: int = 100_000_000


@dataclass(frozen=True)
class DocumentTerms:
    exact: list[str]
    folded: list[str]
    prefixes: list[str]


def highlights(text: str, terms: list[Term], index: BlindIndex) -> list[tuple[int, int]]:
    """Where ``text`` holds a word or a beginning that was asked for: (start, end)
    spans, for the screens to mark. Compared token to token, as the index does."""
    folded, exact, beginnings = set(), set(), set()
    for term in terms:
        for word in term.words if isinstance(term, Phrase) else (term,):
            if isinstance(word, Prefix):
                beginnings.add(word.token)
            else:
                folded.add(word.folded)
                exact.add(word.exact)
    spans = []
    lowered = unicodedata.normalize("NFC", text).lower()
    for match in _WRITTEN.finditer(lowered):
        tokens = index.word_tokens(match.group())
        if tokens is not None and (tokens[0] in folded or tokens[1] in exact
                                   or not beginnings.isdisjoint(tokens[2])):
            spans.append(match.span())
    return spans if len(lowered) == len(text) else []


def metadata_of(document: Document) -> list[str | None]:
    """What a document is found by besides its text: the record, the codes, the dossier."""
    dossier = document.dossier
    return [document.title, document.doc_type, document.number_symbol, document.issuing_body,
            document.summary, document.result_code, document.signer_name,
            dossier.code if dossier else None, dossier.procedure if dossier else None]
