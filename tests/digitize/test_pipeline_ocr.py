"""The whole digitisation pipeline on drawn counter scans, with real Tesseract and OCRmyPDF."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from digitize import IntakeLimits, OcrSettings, digitise, validate

from ..inputs import image_bytes
from ..pages import Page, add_blue_pen, add_red_seal, document_page, tilt, turn

pytestmark = pytest.mark.ocr


def cer(truth: list[str], text: str) -> float:
    ref, hyp = " ".join(" ".join(truth).split()), " ".join(text.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


def run(*pages: Page, fmt: str = "JPEG",
        settings: OcrSettings | None = None) -> tuple[list[bytes], object]:
    files = [image_bytes(page.image, fmt, page.dpi) for page in pages]
    scans = validate([(f"p{i}.{fmt.lower()}", data) for i, data in enumerate(files)], IntakeLimits())
    return files, digitise(scans, settings or OcrSettings(jobs=2))


def test_stamped_tilted_upside_down_page_reads_in_order_and_keeps_its_scan():
    # REGULATIONS 9.A.3 (scan kept as is), 9.A.4 (same page count), 9.A.6 (legible text).
    page = turn(tilt(add_blue_pen(add_red_seal(document_page(200))), -3.5), 180)
    files, result = run(page)
    text = result.page_texts[0]
    assert cer(page.text, text) <= 0.03, text
    # The header is read left column first (issuing body, number), then the right one.
    order = [text.index(s) for s in ("ỦY BAN NHÂN DÂN", "Số: 95/2024/QĐ-UBND",
                                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "QUYẾT ĐỊNH")]
    assert order == sorted(order)
    quality = result.quality[0]
    assert quality.rotation == 180
    assert abs(quality.skew_deg + 3.5) <= 0.3
    assert quality.colour and not quality.blank
    assert quality.confidence is not None and quality.confidence > 0.8
    # The original is the citizen's file, byte for byte.
    assert [scan.data for scan in result.originals] == files
    with pikepdf.open(io.BytesIO(result.pdfa)) as pdf:
        assert len(pdf.pages) == 1
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) % 360 == 180
        # The PDF/A keeps the page as ink over paper (digitize.recompress), read by OCR
        # first at full quality: a fraction of the scan's bytes.
        forms = [x for x in pdf.pages[0].obj.Resources.XObject.values()
                 if x.Subtype == "/Form" and "/XObject" in x.get("/Resources", {})]
        assert [set(f.Resources.XObject) for f in forms] == [{"/Paper", "/Ink"}]
    assert len(result.pdfa) < len(files[0])
    # Asked to keep the scan's own images, the visible page is its JPEG, not a copy.
    _, kept = run(page, settings=OcrSettings(jobs=2, kept_image_quality=0))
    with pikepdf.open(io.BytesIO(kept.pdfa)) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.read_raw_bytes() == files[0]


@pytest.mark.parametrize("quarter", [90, 270])
def test_sideways_page_is_turned_upright(quarter):
    page = turn(document_page(200, header=False), quarter)
    _, result = run(page, fmt="PNG")
    assert cer(page.text, result.page_texts[0]) <= 0.03
    assert result.quality[0].rotation == quarter


def test_every_preparation_stage_can_be_turned_off():
    """Each stage is a setting, and a site may turn them all off (a fast, clean scanner)."""
    page = document_page(200, header=False)
    plain = OcrSettings(jobs=1, rotate_pages=False, deskew=False, perspective=False,
                        normalise_background=False, suppress_colour=False)
    _, result = run(page, fmt="PNG", settings=plain)
    assert cer(page.text, result.page_texts[0]) <= 0.03
    assert result.quality[0].rotation == 0


def test_blank_back_side_is_kept_and_flagged():
    # REGULATIONS 9.A.4: a blank page is part of the original and is never dropped.
    blank = Page(Image.new("L", document_page(200).image.size, 250), 200)
    _, result = run(document_page(200, header=False), blank, fmt="PNG")
    assert result.page_count == 2
    assert len(result.page_texts) == 2
    assert [q.blank for q in result.quality] == [False, True]
    assert [w.code for w in result.quality[1].warnings] == ["blank_page"]
    assert "trang 2: trang trắng" in result.quality[1].warnings[0].message


def test_iphone_heic_photo_becomes_an_a4_pdf_page_at_its_own_resolution():
    # Issue 3 item 6, REGULATIONS 9.A.3: phone photos in HEIC are accepted, laid out at
    # 100 % on A4 from their own pixels (never upscaled), and read; the original stays HEIC.
    page = add_red_seal(document_page(220, mode="RGB"))
    out = io.BytesIO()
    page.image.save(out, format="HEIF", quality=92)
    heic = out.getvalue()
    (scan,) = validate([("IMG_0412.HEIC", heic)], IntakeLimits())
    assert scan.format.value == "image/heic" and scan.pages[0].colour == "RGB"
    result = digitise([scan], OcrSettings(jobs=2))
    assert result.originals[0].data == heic
    assert cer(page.text, result.page_texts[0]) <= 0.03
    with pikepdf.open(io.BytesIO(result.pdfa)) as pdf:
        width_in = float(pdf.pages[0].mediabox[2]) / 72
        widest = max(int(o.Width) for o in pdf.objects if isinstance(o, pikepdf.Stream)
                     and o.get("/Subtype") == "/Image")
        assert abs(width_in - 8.27) < 0.05
        # The photo's pixels, not resampled: the ink is kept at their resolution.
        assert widest == page.image.width
