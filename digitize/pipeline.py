"""The digitisation pipeline: named stages, each replaceable, composed in order.

validate → assemble → OCR into PDF/A (its page images then kept small, in the OCR
worker: `digitize.recompress`) → check page count. Every stage is a plain
function of its inputs; the pipeline only wires them and reports progress.
The per-page preprocessing stages (orientation, colour ink, perspective,
illumination, deskew, blank check: `digitize.preprocess`) run inside the OCR
stage, in OCRmyPDF's page workers, so each page is decoded once.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ._exec.ocr_plugin import PageReaderConfig
from ._exec.ocrmypdf import OcrRequest, run_ocrmypdf
from .assemble import assemble
from .errors import OcrFailed
from .intake import ScanFile, check_batch
from .limits import IntakeLimits, OcrSettings
from .ocr import PageQuality
from .ocr.quality import QualityThresholds
from .preprocess.prepare import PrepareOptions

#: ``progress(done, total, stage)``; stage is a short English word for programs.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DigitisedScan:
    """What digitisation made of one document: the originals, its PDF/A and its text."""

    originals: tuple[ScanFile, ...]
    pdfa: bytes = field(repr=False)
    text: str = field(repr=False)
    page_count: int
    #: One report per page, in page order (REGULATIONS 9.A.4–5: checked at the counter).
    quality: tuple[PageQuality, ...] = ()

    @property
    def page_texts(self) -> list[str]:
        return self.text.split("\f")


def validate(files: list[tuple[str, bytes]], limits: IntakeLimits) -> list[ScanFile]:
    """Stage 1: refuse bad input before any work is done or anything is stored."""
    return check_batch(files, limits)


def reader_config(settings: OcrSettings, quality_dir: Path) -> PageReaderConfig:
    """How OCRmyPDF's workers prepare and read each page, from the settings."""
    return PageReaderConfig(
        quality_dir=str(quality_dir), language=settings.language, psm=settings.psm,
        page_timeout=settings.page_timeout_seconds,
        prepare=PrepareOptions(
            suppress_colour=settings.suppress_colour, perspective=settings.perspective,
            normalise=settings.normalise_background, deskew=settings.deskew,
            ocr_dpi=settings.ocr_dpi,
        ),
        thresholds=QualityThresholds(min_confidence=settings.min_confidence,
                                     max_expected_cer=settings.max_expected_cer),
        second_engine=settings.second_engine, second_engine_below=settings.second_engine_below,
    )


def ocr_to_pdfa(
    pdf: bytes,
    pages: int,
    settings: OcrSettings,
    progress: Progress | None = None,
    *,
    replace_text: bool = False,
) -> tuple[bytes, str, tuple[PageQuality, ...]]:
    """Stage 3: searchable PDF/A-2b, its text and a quality report per page; the page
    images as ``settings`` keep them (`digitize.recompress`), after OCR has read them."""
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as work:
        folder = Path(work)
        source, output, sidecar = folder / "in.pdf", folder / "out.pdf", folder / "text.txt"
        quality_dir, config = folder / "quality", folder / "reader.json"
        quality_dir.mkdir()
        source.write_bytes(pdf)
        reader_config(settings, quality_dir).dump(config)
        request = OcrRequest(
            input_pdf=str(source), output_pdf=str(output), sidecar=str(sidecar),
            reader_config=str(config), language=settings.language, jobs=settings.jobs,
            rotate_pages=settings.rotate_pages, optimize=settings.optimize,
            force_ocr=replace_text, memory_mb=settings.memory_mb,
            kept_quality=settings.kept_image_quality,
            kept_ink_contrast=settings.kept_ink_contrast,
        )
        on_page = (lambda done, total: progress(done, total, "ocr")) if progress else None
        run_ocrmypdf(request, timeout=settings.timeout_for(pages), on_progress=on_page)
        quality = tuple(
            PageQuality.from_dict(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(quality_dir.glob("page-*.json"))
        )
        return output.read_bytes(), sidecar.read_text(encoding="utf-8"), quality


def check_page_count(pdfa: bytes, expected: int) -> None:
    """Stage 4: the copy has exactly the pages captured, no more, no fewer (REGULATIONS 9.A.4)."""
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        found = len(pdf.pages)
    if found != expected:
        raise OcrFailed(
            f"bản PDF/A có {found} trang nhưng bản quét có {expected} trang "
            f"(the PDF/A has {found} pages, the scan {expected})"
        )


def digitise(
    scans: list[ScanFile], settings: OcrSettings, progress: Progress | None = None
) -> DigitisedScan:
    """Run the stages after validation on files that together form one document."""
    pages = sum(scan.page_count for scan in scans)
    if progress:
        progress(0, pages, "ocr")
    working = assemble(scans)
    # A text layer we did not make is not trusted: OCR replaces it (OCRmyPDF's
    # skip/redo modes need a Ghostscript newer than Debian 12's 10.0.0). A signed PDF's
    # rendering has text of its own too: the signature stamps drawn into its pages.
    has_text = any(page.has_text for scan in scans for page in scan.pages) or any(
        scan.signed for scan in scans)
    pdfa, text, quality = ocr_to_pdfa(working, pages, settings, progress, replace_text=has_text)
    check_page_count(pdfa, pages)
    return DigitisedScan(tuple(scans), pdfa, text, pages, quality)
