"""Pages we did not design for keep their text, or say that they lost it (issue 26, item 1).

Real OCR on pages degraded as copiers degrade them: roller bands, drum streaks, a
grid of streaks, a smudged half. REGULATIONS 9.A.4–5: the copy must reflect the
paper, and what cannot be read must be known before the citizen leaves.
"""

from __future__ import annotations

import difflib

import numpy as np
import pytest
from PIL import Image, ImageFilter

from digitize import IntakeLimits, OcrSettings, digitise, validate
from digitize.preprocess.perspective import find_page_quad
from tests.degraded import (
    DECISION,
    decision_page,
    drum_streaks,
    roller_bands,
    smudged,
)
from tests.inputs import image_bytes


def _read(page: Image.Image) -> tuple[str, object]:
    scans = validate([("trang.png", image_bytes(page, "PNG", 200))], IntakeLimits())
    result = digitise(scans, OcrSettings(jobs=1))
    return result.text, result.quality[0]


def _cer(text: str) -> float:
    truth = "".join("".join(DECISION).split())
    read = "".join(text.split())
    return 1 - difflib.SequenceMatcher(None, truth, read, autojunk=False).ratio()


def test_dark_roller_bands_are_no_paper_edge_and_cost_no_text() -> None:
    page = roller_bands(decision_page())
    # Between the bands is a bright rectangle, but not a sheet on a desk: no crop.
    assert find_page_quad(np.asarray(page)) is None
    text, quality = _read(page)
    assert _cer(text) < 0.01, text
    for line in (DECISION[0], DECISION[2], DECISION[-1]):  # above, between, below
        assert line in text
    assert not quality.perspective_corrected and not quality.warnings


@pytest.mark.parametrize("horizontal", [False, True], ids=["streaks", "grid"])
def test_drum_streaks_neither_turn_the_page_nor_scatter_its_lines(horizontal: bool) -> None:
    text, quality = _read(drum_streaks(decision_page(), horizontal=horizontal))
    assert quality.rotation == 0  # upright behind the streaks, and kept upright
    assert quality.streaks_removed
    assert _cer(text) < 0.05, text
    # In reading order: the header, then the title, then the articles.
    assert text.index("QUYẾT ĐỊNH") < text.index("Điều 1") < text.index("Điều 3")


def test_a_page_that_loses_text_is_flagged_with_where_and_not_stored_as_read() -> None:
    text, quality = _read(smudged(decision_page()))
    codes = [w.code for w in quality.warnings]
    assert "unread_text" in codes, quality
    warning = next(w for w in quality.warnings if w.code == "unread_text")
    # It names where: the smudge covers 55–95 % of the height, below the top third.
    assert "phần trên" not in warning.message and "trang" in quality.unread_where
    assert quality.unread_share > 0.1
    # The clean page raises no such warning: the check is not a constant.
    _, clean = _read(decision_page())
    assert clean.unread_share == 0 and not clean.warnings


def test_faint_print_that_reads_is_not_called_blank() -> None:
    # Low ink: the letters are a fifth as dark as they should be, too pale for the blank
    # check's contrast test, but Tesseract reads them. A page called blank hides its
    # low confidence from staff, so a page that reads is never blank.
    pixels = np.asarray(decision_page()).astype(np.float32)
    faint = Image.fromarray((255 - (255 - pixels) * 0.2).astype(np.uint8))
    text, quality = _read(faint)
    assert not quality.blank
    assert "blank_page" not in [w.code for w in quality.warnings]
    assert _cer(text) < 0.1, text


def test_the_quality_estimate_follows_the_error_and_sends_a_poor_reading_to_review() -> None:
    # Item 5: an estimate of the share of characters read wrong, from the reading itself.
    # A blurred page still yields words, many of them wrong; staff must be told.
    clean_text, clean = _read(decision_page())
    blurred_text, blurred = _read(decision_page().filter(ImageFilter.GaussianBlur(3)))
    assert _cer(clean_text) < 0.02 and clean.expected_cer is not None
    assert clean.expected_cer < 0.02 and "many_errors" not in [w.code for w in clean.warnings]
    assert _cer(blurred_text) > 0.05  # the warning below is true, not a false alarm
    assert blurred.expected_cer is not None and blurred.expected_cer > 0.05
    warning = next(w for w in blurred.warnings if w.code == "many_errors")
    assert f"{blurred.expected_cer:.0%}" in warning.message
