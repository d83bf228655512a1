"""Capture checks: each failure gives its Vietnamese reason code (REGULATIONS 9.A.3–5)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageFilter

from digitize import IntakeLimits, ScanFile, check_file
from digitize.capture import CaptureCode, blocking, check_capture
from digitize.limits import CaptureLimits
from tests.inputs import image_bytes
from tests.pages import add_blue_pen, add_red_seal, document_page, photographed

LIMITS = IntakeLimits()


def scan(image: Image.Image, dpi: int | None = 200, fmt: str = "JPEG") -> ScanFile:
    return check_file(f"page.{fmt.lower()}", image_bytes(image, fmt, dpi), LIMITS)


def colour_page(dpi: int = 200) -> Image.Image:
    return add_red_seal(document_page(dpi, mode="RGB")).image


def codes(scans: list[ScanFile], **kwargs: object) -> set[str]:
    return {p.code.value for p in check_capture(scans, **kwargs)}  # type: ignore[arg-type]


def test_a_good_colour_scan_passes_every_check() -> None:
    assert check_capture([scan(colour_page()), scan(colour_page())], declared_pages=2) == []


def test_page_count_differs_from_the_declared_count() -> None:
    # REGULATIONS 9.A.4: the PDF's page count equals the paper counted by the officer.
    problems = check_capture([scan(colour_page())], declared_pages=2)
    assert [p.code for p in problems] == [CaptureCode.PAGE_COUNT]
    assert problems[0].blocking and "khác số trang" in problems[0].message


def test_blurred_page_is_refused() -> None:
    blurred = colour_page().filter(ImageFilter.GaussianBlur(5))
    problems = check_capture([scan(blurred)])
    assert [(p.code, p.page) for p in problems] == [(CaptureCode.BLURRY, 1)]
    assert blocking(problems)


def test_a_soft_page_that_still_reads_is_warned_about_not_refused() -> None:
    # Issue 26, item 6: the sharpness measure must agree with what OCR manages.
    soft = colour_page().filter(ImageFilter.GaussianBlur(3))
    problems = check_capture([scan(soft)])
    assert [(p.code, p.page, p.blocking) for p in problems] == [(CaptureCode.BLURRY, 1, False)]
    assert "vẫn đọc được" in problems[0].message


def test_blank_page_is_flagged_not_refused() -> None:
    # REGULATIONS 9.A.4: a blank back is kept in the page count; staff are told.
    blank = Image.new("RGB", colour_page().size, (250, 250, 248))
    problems = check_capture([scan(colour_page()), scan(blank)])
    assert [(p.code, p.page, p.blocking) for p in problems] == [(CaptureCode.BLANK, 2, False)]


def test_photo_where_the_paper_is_below_the_legal_resolution() -> None:
    # REGULATIONS 9.A.3: 200 dpi for the paper itself, not for the whole frame.
    page = document_page(150, mode="RGB")
    desk, _ = photographed(page)
    frame = desk.image.resize((desk.image.width * 125 // 100, desk.image.height * 125 // 100))
    photo = scan(frame.convert("RGB"), dpi=None)
    assert photo.pages[0].dpi and photo.pages[0].dpi >= 200  # the frame alone would pass
    problems = check_capture([photo])
    assert CaptureCode.LOW_DPI in {p.code for p in problems}
    assert blocking(problems)


def test_grey_scan_is_flagged_as_not_colour() -> None:
    grey = document_page(200, mode="L").image
    assert codes([scan(grey)]) == {"khong_phai_anh_mau"}
    strict = check_capture([scan(grey)], limits=CaptureLimits(require_colour=True))
    assert blocking(strict)


def test_annotated_page_needs_its_second_capture_beside_it() -> None:
    # REGULATIONS 9.A.5: a page with notes is captured with and without them.
    other = document_page(200, mode="RGB", header=False,
                          body=["Một trang khác hẳn của hồ sơ.", "Nội dung khác."]).image
    annotated = add_blue_pen(document_page(200, mode="RGB")).image
    alone = check_capture([scan(other), scan(annotated)])
    assert [(p.code, p.page) for p in alone] == [(CaptureCode.MISSING_DUAL_CAPTURE, 2)]
    assert not blocking(alone)
    # The same page again without the notes, right after it: the dual capture is there.
    paired = check_capture([scan(other), scan(annotated),
                            scan(document_page(200, mode="RGB").image)])
    assert paired == []
    strict = check_capture([scan(annotated)], limits=CaptureLimits(require_dual_capture=True))
    assert blocking(strict)


@pytest.mark.parametrize("dpi", [200, 300])
def test_sharpness_threshold_holds_at_both_scanner_resolutions(dpi: int) -> None:
    sharp = check_capture([scan(colour_page(dpi), dpi=dpi)])
    soft = check_capture([scan(colour_page(dpi).filter(ImageFilter.GaussianBlur(dpi / 66)),
                               dpi=dpi)])
    assert CaptureCode.BLURRY not in {p.code for p in sharp}
    assert CaptureCode.BLURRY in {p.code for p in soft}
