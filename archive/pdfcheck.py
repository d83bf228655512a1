"""The checks of each PDF in a package: structure, version, PDF/A claim, signatures.

These are where validating a package spends its time (a signature check is
tens of milliseconds of pyHanko, a scan's PDF is megabytes to decode), so they
sit behind one small class that takes a batch of files: ``PdfChecker`` runs
them here, one after the other; ``sohoa`` runs the same function in worker
processes; ``RememberingChecker`` checks each distinct content once within one
operation (an export writes the PREMIS validation event from the same verdict
the package's validation then reports).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pikepdf

#: A PDF's signatures → what is wrong with them (empty: all valid); None: not signed.
SignatureCheck = Callable[[bytes], "list[str] | None"]


@dataclass(frozen=True)
class PdfItem:
    """A PDF to check (the file at ``path``, or ``data``); ``signed``: its signatures
    must be checked too."""

    path: Path
    signed: bool = False
    data: bytes | None = field(default=None, repr=False)

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


@dataclass(frozen=True)
class PdfVerdict:
    #: What is wrong with the structure; None when it reads without repair.
    problem: str | None
    version: str
    #: Whether its XMP claims PDF/A.
    pdfa: bool
    #: For a signed item with sound structure: what is wrong with its signatures
    #: (empty: all valid), or None when it carries none. None for other items.
    signatures: list[str] | None = None
    #: When a verdict recorded earlier was made (``archive.verdicts``); None: just now.
    checked_at: datetime | None = None


def check_pdf(item: PdfItem, signatures: SignatureCheck | None) -> PdfVerdict:
    """Every check of one PDF: structure first; signatures only when the structure holds."""
    data = item.read()
    problem, version, pdfa = pdf_facts(data)
    if problem or not item.signed or signatures is None:
        return PdfVerdict(problem, version, pdfa)
    return PdfVerdict(problem, version, pdfa, signatures(data))


def pdf_facts(data: bytes) -> tuple[str | None, str, bool]:
    """What is wrong with the PDF's structure (None: nothing), its version, and whether
    its XMP claims PDF/A.

    qpdf's own checks, run through libqpdf rather than the ``qpdf --check`` command:
    the file opens without repair, every stream decodes (JPEG data excepted: its bytes
    are covered by the checksums), every page's content stream parses. Debian's
    qpdf 11 decodes every JPEG and re-encodes it to Flate while checking (about two
    seconds a scanned page; fixed upstream in qpdf 12), which made the command the
    whole cost of validating a package. Any warning counts: an archive accepts a PDF
    that reads without repair.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.save(io.BytesIO(), stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
            for page in pdf.pages:
                pikepdf.parse_content_stream(page)
            warnings = pdf.get_warnings()
            version, pdfa = pdf.pdf_version, bool(pdf.open_metadata().get("pdfaid:part"))
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return f"cấu trúc PDF hỏng (broken PDF structure): {exc}", "0", False
    if warnings:
        shown = "; ".join(w.split(": ", 1)[-1] for w in warnings[:3])
        return f"cấu trúc PDF hỏng, phải sửa mới đọc được (needs repair): {shown}", version, pdfa
    return None, version, pdfa


class PdfChecker:
    """Checks PDFs here, one after the other; signatures with ``signatures`` if given."""

    def __init__(self, signatures: SignatureCheck | None = None) -> None:
        self.signatures = signatures

    @property
    def checks_signatures(self) -> bool:
        return self.signatures is not None

    def check(self, items: Sequence[PdfItem]) -> list[PdfVerdict]:
        return [check_pdf(item, self.signatures) for item in items]


class RememberingChecker(PdfChecker):
    """Checks each distinct content once (by SHA-256 of the bytes read now, not of any
    manifest) and answers again from memory; for one operation, not to keep."""

    def __init__(self, inner: PdfChecker,
                 seen: Mapping[tuple[str, bool], PdfVerdict] | None = None) -> None:
        super().__init__(inner.signatures)
        self._inner = inner
        self._seen: dict[tuple[str, bool], PdfVerdict] = dict(seen or {})

    @property
    def remembered(self) -> dict[tuple[str, bool], PdfVerdict]:
        """The verdicts so far, by (SHA-256, signed): to carry on in another process."""
        return dict(self._seen)

    def check(self, items: Sequence[PdfItem]) -> list[PdfVerdict]:
        keys = [(hashlib.sha256(item.read()).hexdigest(), item.signed) for item in items]
        todo = {key: item for key, item in zip(keys, items, strict=True)
                if key not in self._seen}
        self._seen.update(zip(todo, self._inner.check(list(todo.values())), strict=True))
        return [self._seen[key] for key in keys]
