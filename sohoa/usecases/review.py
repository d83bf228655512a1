"""Why a record waits for staff, and where each of its values came from.

A record is stored on its own only when every required value was read with enough
confidence and no page holds text the reading missed (``record.extract``). When it
waits, the officer must see which of these held it back — a missing value, a value
read below the threshold, a page the reading was unsure of — rather than a bare "not
coded yet"; and beside each value, whether OCR, the căn cước QR or a person gave it,
and how sure the reading was.
"""

from __future__ import annotations

from dataclasses import dataclass

from digitize.extract import Extraction, ExtractionMethod
from vault import DocumentRecord

from .record import FROM_EXTRACTION, REVIEW_WARNINGS


@dataclass(frozen=True)
class Evidence:
    """Where a record value came from: ``method`` OCR, QR or MANUAL; ``confidence`` 0–1
    (None for what a person typed); ``page`` it was read on."""

    method: str
    confidence: float | None
    page: int | None
    #: Read, not typed, and below the confidence that stores a record on its own.
    low: bool


@dataclass(frozen=True)
class PageDoubt:
    page: int
    message: str


@dataclass(frozen=True)
class Waiting:
    """What holds a record back from being stored (``waits``); nothing once it is stored."""

    reading: bool  # the job is still reading the pages
    missing: tuple[str, ...]  # required fields without a value
    uncertain: tuple[str, ...]  # required fields read below the threshold, or not read
    pages: tuple[PageDoubt, ...]  # pages whose text the reading may have missed

    @property
    def waits(self) -> bool:
        return self.reading or bool(self.missing or self.uncertain or self.pages)


def evidence(document: DocumentRecord, threshold: float) -> dict[str, Evidence]:
    """Each record field's source, by record field name."""
    extraction = Extraction.from_list(document.extraction)
    found: dict[str, Evidence] = {}
    for name, source in FROM_EXTRACTION.items():
        read = extraction.get(source)
        if read is None:
            continue
        typed = read.method is ExtractionMethod.MANUAL
        found[name] = Evidence(read.method.value, None if typed else read.confidence,
                               read.page, low=not typed and read.confidence < threshold)
    return found


def waiting(document: DocumentRecord, *, required: tuple[str, ...],
            threshold: float) -> Waiting:
    """Why ``document``'s record is not stored yet (``Waiting.any`` is False once it is)."""
    if document.status == "STORED":
        return Waiting(False, (), (), ())
    if document.status == "SCANNED":
        return Waiting(True, (), (), ())
    sources = evidence(document, threshold)
    missing = tuple(document.record.missing(required, document.owner))
    uncertain = tuple(name for name in required if name in FROM_EXTRACTION
                      and name not in missing
                      and (name not in sources or sources[name].low))
    pages = tuple(PageDoubt(int(page.get("page", index + 1)), str(warning.get("message", "")))
                  for index, page in enumerate(document.page_quality)
                  for warning in page.get("warnings", [])
                  if warning.get("code") in REVIEW_WARNINGS)
    return Waiting(False, missing, uncertain, pages)
