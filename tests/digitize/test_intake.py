"""Intake refuses bad scans with a reason a counter officer can act on (REGULATIONS 9.A.3)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from digitize import (
    CorruptFile,
    EmptyFile,
    EncryptedPdf,
    ImageTooLarge,
    IntakeLimits,
    PdfVersionTooOld,
    ResolutionTooLow,
    ScanFormat,
    TooManyPages,
    UnsupportedFormat,
    check_batch,
    check_file,
)
from tests.inputs import image_bytes, image_pdf, multipage_tiff, png_bomb, text_page

LIMITS = IntakeLimits()


@pytest.fixture(scope="module")
def page300() -> bytes:
    return image_bytes(text_page(300), "PNG", 300)


def test_a_300_dpi_png_is_accepted_with_its_resolution(page300: bytes) -> None:
    scan = check_file("trang1.png", page300, LIMITS)
    assert scan.format is ScanFormat.PNG
    assert scan.pages[0].dpi == 300.0
    assert scan.layout_dpi == 300.0


def test_a_pdf_of_a_200_dpi_scan_is_accepted() -> None:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    scan = check_file("hoso.pdf", pdf, LIMITS)
    assert scan.format is ScanFormat.PDF
    assert scan.page_count == 1 and round(scan.pages[0].dpi or 0) == 200


def test_a_multipage_tiff_counts_every_page() -> None:
    tiff = multipage_tiff([text_page(200, mode="L") for _ in range(3)], 200)
    assert check_file("batch.tif", tiff, LIMITS).page_count == 3


def test_empty_file_is_refused() -> None:
    with pytest.raises(EmptyFile, match="0 byte"):
        check_file("scan.pdf", b"", LIMITS)


def test_text_file_named_pdf_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="không phải PDF"):
        check_file("scan.pdf", "Đây không phải là tệp PDF\n".encode(), LIMITS)


def test_truncated_pdf_is_refused(page300: bytes) -> None:
    pdf = image_pdf(image_bytes(text_page(300), "JPEG", 300))
    with pytest.raises(CorruptFile, match="cắt cụt"):
        check_file("scan.pdf", pdf[: len(pdf) // 2], LIMITS)


def test_encrypted_pdf_is_refused() -> None:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200), encrypt=True)
    with pytest.raises(EncryptedPdf):
        check_file("scan.pdf", pdf, LIMITS)


def test_pdf_older_than_1_4_is_refused() -> None:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200), version="1.3")
    with pytest.raises(PdfVersionTooOld, match="1.3"):
        check_file("scan.pdf", pdf, LIMITS)


def test_150_dpi_image_is_refused_naming_the_resolution() -> None:
    with pytest.raises(ResolutionTooLow, match="150 dpi"):
        check_file("scan.jpg", image_bytes(text_page(150), "JPEG", 150), LIMITS)


def test_150_dpi_image_inside_a_pdf_is_refused() -> None:
    with pytest.raises(ResolutionTooLow, match="150 dpi"):
        check_file("scan.pdf", image_pdf(image_bytes(text_page(150), "JPEG", 150)), LIMITS)


def test_image_without_stated_dpi_is_judged_at_a4() -> None:
    small = text_page(150).resize((1240, 1754))  # ~150 dpi if laid on A4
    with pytest.raises(ResolutionTooLow, match="A4"):
        check_file("photo.png", image_bytes(small, "PNG", None), LIMITS)
    assert check_file("ok.png", image_bytes(text_page(300), "PNG", None), LIMITS).page_count == 1


def test_decompression_bomb_png_is_refused_before_decoding() -> None:
    bomb = png_bomb()
    assert len(bomb) < 200_000  # tiny on disk, 1.6 Gpx when decoded
    with pytest.raises(ImageTooLarge):
        check_file("bomb.png", bomb, LIMITS)


def test_pixel_limit_is_a_setting() -> None:
    page = image_bytes(text_page(300), "PNG", 300)
    with pytest.raises(ImageTooLarge):
        check_file("big.png", page, IntakeLimits(max_page_pixels=1_000_000))


def test_page_limit_applies_to_the_whole_batch(page300: bytes) -> None:
    with pytest.raises(TooManyPages):
        check_batch([("a.png", page300), ("b.png", page300)], IntakeLimits(max_pages=1))


def test_truncated_jpeg_is_refused() -> None:
    jpeg = image_bytes(text_page(200), "JPEG", 200)
    with pytest.raises(CorruptFile):
        check_file("scan.jpg", jpeg[: len(jpeg) // 3], LIMITS)


def test_heic_photo_is_recognised_and_a_small_one_refused() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    good, small = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (1700, 2400), "white").save(good, format="HEIF")
    Image.new("RGB", (1000, 1414), "white").save(small, format="HEIF")
    scan = check_file("IMG_0001.HEIC", good.getvalue(), IntakeLimits())
    assert scan.format.value == "image/heic" and scan.pages[0].dpi and scan.pages[0].dpi >= 200
    with pytest.raises(ResolutionTooLow) as refused:
        check_file("IMG_0002.HEIC", small.getvalue(), IntakeLimits())
    assert "khổ A4" in refused.value.message  # the officer learns why: no dpi, judged on A4
