"""What a document screen shows: its pages beside their text, and its signatures.

The file is read from the vault once per view (one entry in the owner's access
log, with the purpose), its pages are drawn with PDFium and embedded in the page
as JPEG data URLs; the text of each page is the OCR layer of the same file. Drawing
is bounded by settings (pages shown, resolution), so a long document cannot make a
single view expensive.
"""

from __future__ import annotations

import base64
import io
from dataclasses import asdict, dataclass, field
from typing import Any

import pypdfium2 as pdfium
from fastapi.responses import Response

from kernel import Viewer
from signing import NotAPdf, SignatureReport, verify_pdf
from vault import DocumentRecord, FileRole

from ..file_responses import requested_range, streamed
from ..services import Services
from ..usecases.thumbnails import best_variant


@dataclass(frozen=True)
class PagePreview:
    number: int
    image: str  # data: URL
    text: str
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: The share of characters the OCR is expected to have got wrong (0–1), if known.
    expected_cer: float | None = None


@dataclass(frozen=True)
class DocumentView:
    document: DocumentRecord
    pages: list[PagePreview]
    #: Pages not drawn because of the ``web_preview_pages`` limit.
    more_pages: int
    signatures: dict[str, Any] | None
    sha256: str
    variant: str
    #: The signatures the received originals carried, as validated at intake.
    input_signatures: list[dict[str, Any]] = field(default_factory=list)


def view_document(services: Services, document_id: str, *, viewer: Viewer,
                  purpose: str) -> DocumentView:
    """Read, draw and check one document for a screen; the read is logged with ``purpose``."""
    document = services.vault.documents.get_document(document_id, viewer=viewer)
    variant = best_variant(document)
    stored = services.vault.documents.read_file(document_id, variant.value, viewer=viewer,
                                      purpose=purpose)
    settings = services.settings
    quality = {page.get("page"): page for page in document.page_quality}
    pages: list[PagePreview] = []
    total = document.page_count
    if stored.media_type == "application/pdf":
        pdf = pdfium.PdfDocument(stored.data)
        try:
            total = len(pdf)
            for index in range(min(total, settings.web.preview_pages)):
                page = pdf[index]
                image = page.render(scale=settings.web.preview_dpi / 72).to_pil()
                text = page.get_textpage().get_text_range()
                measured = quality.get(index + 1, {})
                pages.append(PagePreview(index + 1, _jpeg(image), text.strip(),
                                         measured.get("warnings", []),
                                         measured.get("expected_cer")))
        finally:
            pdf.close()
    else:
        encoded = base64.b64encode(stored.data).decode()
        pages.append(PagePreview(1, f"data:{stored.media_type};base64,{encoded}", ""))
    signatures = (signature_summary(services, stored.data, stored.sha256)
                  if variant is FileRole.SIGNED else None)
    return DocumentView(document, pages, max(0, total - len(pages)), signatures,
                        stored.sha256, variant.value,
                        [_with_lines(report) for report in document.input_signatures])


def _with_lines(report: dict[str, Any]) -> dict[str, Any]:
    """A stored report as `signature_summary` gives one, each signature with its lines."""
    return {**report, "signatures": [{**s, "lines": SignatureReport(**s).describe_vi()}
                                     for s in report.get("signatures", [])]}


def signature_summary(services: Services, pdf: bytes, sha256: str) -> dict[str, Any]:
    """The badge and the details behind it; checked once per cache period per file."""
    cached = services.signature_cache.get(f"web:{sha256}")
    if cached is not None:
        return cached
    try:
        report = verify_pdf(pdf, services.trust)
    except NotAPdf as exc:
        return {"valid": False, "verdict": str(exc), "signatures": []}
    summary = {"valid": report.valid, "verdict": report.verdict_vi(),
               "signatures": [{**asdict(s), "lines": s.describe_vi()}
                              for s in report.signatures]}
    services.signature_cache.put(f"web:{sha256}", summary)
    return summary


def _jpeg(image: Any) -> str:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def download(services: Services, document_id: str, variant: FileRole, *, viewer: Viewer,
             purpose: str, range_header: str | None = None) -> Response:
    """One file of a document, verified and logged, sent to be saved as it is read (a
    ``Range`` resumes a download cut short on a phone)."""
    wanted = requested_range(range_header)
    opened = services.vault.documents.open_file(document_id, variant.value, viewer=viewer,
                                                purpose=purpose, wanted=wanted)
    return streamed(opened, ranged=wanted is not None)
