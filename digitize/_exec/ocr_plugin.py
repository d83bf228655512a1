"""OCRmyPDF plugin: sohoa's preprocessing and page reading inside OCRmyPDF.

OCRmyPDF stays the engine of record: it validates the input, drives the pages in
parallel, grafts the text layer with its own renderer, writes PDF/A-2b and checks
the result. We replace three parts through its plugin hooks:

- `rasterize_pdf_page`: a page that is one full-page image is handed over as
  its own bytes instead of being rendered and re-encoded (see `page_image`).
- `get_ocr_engine`: Tesseract as OCRmyPDF runs it, except that
  `get_orientation` uses our ink-based detector on the preview (no OSD run), and
  `generate_ocr` prepares the page (colour ink, perspective, illumination,
  deskew) and reads it in one pass. OCRmyPDF's `--deskew` would rotate and
  re-encode the visible page; we deskew only the OCR input and map the words back,
  so the PDF/A keeps the scan's own pixels (REGULATIONS 9.A.3).
- The per-page quality measurements are written as JSON files into a folder the
  parent process reads afterwards.

Configuration comes from the JSON file named by ``SOHOA_OCR_CONFIG``: OCRmyPDF
forks its workers, and the environment is the one channel every worker sees.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.hocrtransform.hocr_parser import HocrParser
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement
from ocrmypdf.pluginspec import OrientationConfidence
from PIL import Image

from ..ocr import (
    PageQuality,
    TesseractTimeout,
    map_to_original,
    mean_confidence,
    order_national_header,
    page_warnings,
    read_hocr,
    tree_text,
)
from ..ocr.coverage import Coverage, coverage
from ..ocr.estimate import estimate
from ..ocr.quality import QualityThresholds
from ..ocr.second_engine import reread_unsure_lines
from ..ocr.tesseract import confident_words
from ..preprocess import detect_orientation, prepare
from ..preprocess.orientation import WORK_SIZE as ORIENTATION_SIZE
from ..preprocess.prepare import PreparedPage, PrepareOptions
from ..syllables import normalise_word, valid_share
from .page_image import decode, extract_page_image, with_jfif_density

CONFIG_ENV = "SOHOA_OCR_CONFIG"
#: OCRmyPDF's orientation confidence runs 0–15 (Tesseract OSD units); ours 0–1.
OSD_SCALE = 15.0


@dataclass(frozen=True)
class PageReaderConfig:
    """What every worker needs to read a page, written once per document."""

    quality_dir: str
    language: str = "vie"
    psm: int = 3
    page_timeout: float = 180.0
    prepare: PrepareOptions = field(default_factory=PrepareOptions)
    thresholds: QualityThresholds = field(default_factory=QualityThresholds)
    #: Lines Tesseract reads with less confidence than `second_engine_below` are read
    #: again by the second engine (`digitize.ocr.second_engine`).
    second_engine: bool = False
    second_engine_below: float = 0.85
    second_engine_margin: float = 0.05

    def dump(self, path: Path) -> None:
        data: dict[str, Any] = {**self.__dict__, "prepare": self.prepare.__dict__,
                                "thresholds": self.thresholds.__dict__}
        path.write_text(json.dumps(data), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> PageReaderConfig:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PageReaderConfig(**{**data, "prepare": PrepareOptions(**data["prepare"]),
                                   "thresholds": QualityThresholds(**data["thresholds"])})


def _config() -> PageReaderConfig:
    """The configuration of the document being read (a warm worker reads many)."""
    return _load_config(os.environ.get(CONFIG_ENV, ""))


@functools.lru_cache(maxsize=4)
def _load_config(path: str) -> PageReaderConfig:
    if path:
        return PageReaderConfig.load(Path(path))
    return PageReaderConfig(quality_dir=tempfile.mkdtemp(prefix="sohoa-quality-"))


def _record(name: str, data: dict[str, Any]) -> None:
    folder = Path(_config().quality_dir)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# -- rasterising ------------------------------------------------------------------------

@hookimpl(tryfirst=True)
def rasterize_pdf_page(input_file: Path, output_file: Path, raster_device: Any, raster_dpi: Any,
                       pageno: int, page_dpi: Any, rotation: int | None, filter_vector: bool,
                       stop_on_soft_error: bool, options: Any, use_cropbox: bool) -> Path | None:
    """The page's own image when it is one; None lets OCRmyPDF's rasteriser do it."""
    # OCRmyPDF asks for a JPEG preview to detect orientation, and a PNG device for the page.
    preview = "JPEG" in str(raster_device).upper()
    if not preview:
        _record(f"rotation-{pageno:04d}.json", {"rotation": int(rotation or 0)})
    if filter_vector:
        return None
    page = extract_page_image(Path(input_file), pageno)
    if page is None:
        return None
    dpi = page_dpi or raster_dpi
    dpi_xy = (float(dpi.x), float(dpi.y))
    if preview:
        image = decode(page)
        image.draft("L", (page.width // 4, page.height // 4))
        image = image.convert("L")
        image.thumbnail((ORIENTATION_SIZE, ORIENTATION_SIZE))
        image.save(output_file, format="JPEG", quality=85)
        return Path(output_file)
    turn = int(rotation or 0) % 360
    if page.jpeg is not None and turn == 0:
        Path(output_file).write_bytes(with_jfif_density(page.jpeg, (round(dpi_xy[0]), round(dpi_xy[1]))))
        return Path(output_file)
    image = decode(page)
    if turn:
        # `rotation` is the counter-clockwise correction (as OCRmyPDF's PDFium
        # rasteriser applies it, whatever the hook's docstring says), like PIL's.
        image = image.rotate(turn, expand=True)
        if turn in (90, 270):
            dpi_xy = (dpi_xy[1], dpi_xy[0])
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    # Uncompressed: the file lives for seconds in the work folder and is read once.
    image.save(output_file, format="TIFF", compression="raw", dpi=dpi_xy)
    return Path(output_file)


# -- the engine ---------------------------------------------------------------------------

class SohoaTesseract(TesseractOcrEngine):
    """Tesseract with sohoa's preprocessing, header reading order and quality report."""

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        gray = cv2.imread(str(input_file), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            return OrientationConfidence(0, 0.0)
        preview = np.asarray(gray, dtype=np.uint8)
        guess = detect_orientation(preview)
        if guess.turn and _reads_upright(preview, guess.turn):
            # The ink's geometry says turned, reading says upright: the signals must not
            # disagree before a page is turned (streaks and bands fool geometry).
            return OrientationConfidence(0, 0.0)
        # OCRmyPDF wants the counter-clockwise correction; our `turn` is the scan's own turn.
        return OrientationConfidence((360 - guess.turn) % 360, guess.confidence * OSD_SCALE)

    @staticmethod
    def supports_generate_ocr() -> bool:
        return True

    @staticmethod
    def generate_ocr(input_file: Path, options: Any, page_number: int = 0) -> tuple[OcrElement, str]:
        config = _config()
        with Image.open(input_file) as probe:
            dpi = float(probe.info.get("dpi", (300, 300))[0]) or 300.0
        pixels = cv2.imread(str(input_file), cv2.IMREAD_UNCHANGED)
        if pixels is None:
            raise ValueError(f"cannot read page image {input_file}")
        if pixels.ndim == 3:
            pixels = pixels[..., :3]
        height, width = pixels.shape[:2]
        started = time.perf_counter()
        page = np.asarray(pixels, dtype=np.uint8)
        prepared = prepare(page, dpi, config.prepare)
        prepared_at = time.perf_counter()
        reading = _read(prepared, config, Path(input_file))
        for options in _second_preparations(prepared, reading, config.prepare):
            # Each stage must earn its place on this page: the page prepared without it
            # is read too, and the better reading is kept.
            other_page = prepare(page, dpi, options)
            other = _read(other_page, config, Path(input_file))
            if _better(other, reading):
                prepared, reading = other_page, other
        if config.second_engine and reading.tree is not None and reread_unsure_lines(
                reading.tree, prepared.image, below=config.second_engine_below,
                margin=config.second_engine_margin):
            reading = _measure(reading.tree, reading.coverage)
        if reading.tree is not None:
            for word in reading.tree.words:
                word.text = normalise_word(word.text)
        timed_out = reading.tree is None
        if reading.tree is None:
            tree = OcrElement(ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height), dpi=dpi)
        else:
            tree = map_to_original(reading.tree, prepared.transform,
                                   (float(width), float(height)), dpi)
        text = tree_text(tree)
        seconds = {"prepare": round(prepared_at - started, 3),
                   "ocr": round(time.perf_counter() - prepared_at, 3)}
        rotation = _rotation_of(page_number + 1)
        quality = PageQuality(
            page=page_number + 1, dpi=round(dpi, 1), colour=prepared.colour,
            rotation=rotation, skew_deg=prepared.skew_deg,
            perspective_corrected=prepared.perspective_corrected,
            # Faint print fails the blank check's contrast test but reads: not blank.
            blank=prepared.blank.blank and reading.confident_words < BLANK_MAX_WORDS,
            ink_ratio=prepared.blank.ink_ratio, confidence=mean_confidence(tree),
            words=len(tree.words), timed_out=timed_out, seconds=seconds,
            streaks_removed=prepared.streaks_removed,
            unread_share=reading.coverage.unread_share, unread_where=reading.coverage.region_vi(),
            syllable_share=round(reading.valid_share, 4), weak_share=round(reading.weak_share, 4),
            expected_cer=None if timed_out or not tree.words else estimate(
                [(w.text.strip(), w.confidence or 0.0) for w in tree.words if w.text.strip()],
                reading.coverage.unread_share),
        )
        quality = replace(quality, warnings=page_warnings(quality, config.thresholds))
        _record(f"page-{page_number + 1:04d}.json", quality.as_dict())
        return tree, text


@dataclass(frozen=True)
class _Reading:
    """One reading of a prepared page: the words (in its pixels; None when Tesseract ran
    out of time), how much of its ink they leave unread, and what they look like."""

    tree: OcrElement | None
    coverage: Coverage
    #: Characters read (without spaces).
    chars: int = 0
    #: Share of the letters in valid Vietnamese syllables (`digitize.syllables`).
    valid_share: float = 0.0
    #: Share of the characters in words Tesseract is unsure of.
    weak_share: float = 1.0
    confident_words: int = 0
    confidence: float = 0.0

    @property
    def doubtful(self) -> bool:
        """Whether this reading is unsure enough that another preparation may do better."""
        return (self.tree is not None and self.confident_words >= BLANK_MAX_WORDS
                and (self.confidence < DOUBTFUL_CONFIDENCE or self.valid_share < DOUBTFUL_SYLLABLES
                     or self.coverage.unread_share > DOUBTFUL_UNREAD))


#: A word read with less confidence than this is "weak"; fewer such confident words
#: than BLANK_MAX_WORDS and the page may be blank.
WEAK_WORD = 0.6
BLANK_MAX_WORDS = 10
#: A reading below any of these is doubtful: the page is read a second way.
DOUBTFUL_CONFIDENCE = 0.88
DOUBTFUL_SYLLABLES = 0.97
DOUBTFUL_UNREAD = 0.03


def _read(prepared: PreparedPage, config: PageReaderConfig, source: Path) -> _Reading:
    try:
        hocr = read_hocr(prepared.image, dpi=prepared.dpi, language=config.language,
                         psm=config.psm, timeout=config.page_timeout)
    except TesseractTimeout:
        return _Reading(None, Coverage(0.0))
    hocr_path = source.with_suffix(".sohoa.hocr")
    hocr_path.write_bytes(hocr)
    tree = order_national_header(HocrParser(hocr_path).parse())
    return _measure(tree, coverage(prepared.image, tree))


def _measure(tree: OcrElement, found: Coverage) -> _Reading:
    words = [(w.text.strip(), w.confidence or 0.0) for w in tree.words]
    chars = sum(len(text) for text, _ in words)
    mass = sum(confidence * len(text) for text, confidence in words)
    valid = valid_share([text for text, _ in words])
    weak = sum(len(text) for text, confidence in words if confidence < WEAK_WORD)
    return _Reading(tree, found, chars, valid_share=valid,
                    weak_share=weak / chars if chars else 1.0,
                    confident_words=sum(1 for _, confidence in words if confidence >= WEAK_WORD),
                    confidence=mass / chars if chars else 0.0)


def _better(other: _Reading, first: _Reading) -> bool:
    """Whether `other` reads the page better than `first`: more confident, more valid
    Vietnamese, and not by reading less of it. (The unread share is not compared: each
    is measured on its own preparation's ink.) The powers were chosen on the tuning half
    of the development set and checked on the other (`bench/ocr_devset.py`)."""

    def looks(reading: _Reading) -> float:
        return reading.confidence ** 2 * reading.valid_share ** 4 * reading.chars

    return looks(other) > looks(first)


def _second_preparations(prepared: PreparedPage, reading: _Reading,
                         options: PrepareOptions) -> list[PrepareOptions]:
    """The other ways to prepare a page whose first reading may have lost text.

    A perspective warp crops, so a warped page is also read as scanned. A page whose
    streaks were painted out, or whose reading is doubtful, is also read plain, as
    Tesseract alone would read it (grey, at its own resolution, nothing else): our
    cleaning stages were tuned on pages of our own, and a degradation they were not
    made for can make them hurt, which the plain page then shows."""
    found = []
    if prepared.perspective_corrected:
        found.append(replace(options, perspective=False))
    if prepared.streaks_removed or reading.doubtful:
        found.append(PrepareOptions(suppress_colour=False, perspective=False, normalise=False,
                                    remove_streaks=False, deskew=False, ocr_dpi=0.0))
    return found


def _reads_upright(preview: NDArray[np.uint8], turn: int) -> bool:
    """Whether the preview reads at least as well as it is as turned back by `turn`:
    then the page is upright whatever the ink's geometry says. A preview too small or
    too poor to read either way says nothing (False)."""
    # Doubled: at 1000 px a page's body text is too small for Tesseract to read well.
    page = np.asarray(cv2.resize(preview, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC),
                      dtype=np.uint8)
    # np.rot90 turns counter-clockwise; the scan is turned `turn` counter-clockwise.
    back = np.ascontiguousarray(np.rot90(page, k=-(turn // 90)))
    dpi = max(page.shape) / 11.7  # as if the long side were an A4 page's
    upright = confident_words(page, dpi=dpi)
    return upright >= 5 and upright >= confident_words(back, dpi=dpi)


def _rotation_of(pageno: int) -> int:
    path = Path(_config().quality_dir) / f"rotation-{pageno:04d}.json"
    try:
        correction = int(json.loads(path.read_text(encoding="utf-8"))["rotation"])
    except (OSError, ValueError, KeyError):
        return 0
    # The rasteriser was asked to turn the page back counter-clockwise by `correction`,
    # so the scan itself was turned counter-clockwise by the rest of a full turn.
    return (360 - correction) % 360


@hookimpl(tryfirst=True)
def get_ocr_engine(options: Any) -> SohoaTesseract:
    return SohoaTesseract()

