"""What signatures look like on paper and on screen (NĐ 30/2020 Appendix I; issue 4 item 3).

Page 1 is rendered with poppler and compared with the unsigned page: the operator stamp
must appear top-left, the agency's SAO Y block top-right, in black, and their text must
extract with its diacritics; an issued result shows the signer's blue image with the red
seal, at its actual size, over the left third of it.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw

from signing import (
    BadSigningInput,
    DevPki,
    PadesLevel,
    TrustServices,
    copy_request,
    copy_stamp,
    dev_trust_services,
    operator_request,
    result_requests,
    sign_pdf,
    verify_pdf,
)
from tests.inputs import first_page_text, image_bytes, render_page, text_page, word_boxes

AGENCY = "UBND phường Bến Nghé"
OPERATOR = "Nguyễn Thị Phương Thảo"
RENDER_DPI = 60


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return DevPki(tmp_path_factory.mktemp("pki"), agency_name=AGENCY)


@pytest.fixture(scope="module")
def trust(pki: DevPki) -> TrustServices:
    return dev_trust_services(pki)


@pytest.fixture(scope="module")
def copy(pki: DevPki, trust: TrustServices, font: Path, scan: bytes) -> bytes:
    """A digitised page: the operator's signature, then the agency's SAO Y."""
    operator = operator_request(pki.key_source(pki.operator(OPERATOR)), font, OPERATOR,
                                datetime(2026, 11, 24, 2, 15, 3, tzinfo=UTC))
    signed = sign_pdf(scan, operator, trust)
    return sign_pdf(signed, copy_request(pki.key_source(pki.agency()), font, AGENCY), trust)


def render(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = RENDER_DPI) -> np.ndarray:
    return np.asarray(render_page(pdf, page=page, dpi=dpi).convert("RGB")).astype(int)


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of pixels that differ."""
    ys, xs = np.nonzero(np.abs(after - before).sum(axis=2) > 60)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_operator_stamp_top_left_and_sao_y_top_right_in_black(
        scan: bytes, copy: bytes, tmp_path: Path) -> None:
    # REGULATIONS 9.A.7 (operator, top-left) and 9.E.37 (SAO Y, top-right of page 1).
    before, after = render(scan, tmp_path), render(copy, tmp_path)
    height, width, _ = before.shape
    left_half = (slice(0, height // 8), slice(0, width // 2))
    right_half = (slice(0, height // 8), slice(width // 2, width))
    for region in (left_half, right_half):
        box = changed_box(before[region], after[region])
        assert box[2] - box[0] > width / 5  # a stamp, not a speck
    # Nothing else on the page changed.
    below = (slice(height // 8, height), slice(0, width))
    assert not (np.abs(after[below] - before[below]).sum(axis=2) > 60).any()
    # Black text: the changed pixels carry no colour.
    changed = np.abs(after - before).sum(axis=2) > 60
    pixels = after[changed]
    assert (pixels.max(axis=1) - pixels.min(axis=1)).max() < 40


def test_stamp_texts_extract_with_diacritics_and_the_iso_8601_time(copy: bytes,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "copy.pdf"
    path.write_bytes(copy)
    text = first_page_text(path)
    assert f"Người số hóa: {OPERATOR}" in text
    assert "Thời gian quét: 24/11/2026 09:15:03 (UTC+07:00)" in text
    assert "SAO Y" in text and AGENCY in text
    # Date; hh:mm:ss; the Vietnam zone per ISO 8601, the moment the signature carries.
    signed_at = re.search(r"Thời gian ký: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00)", text)
    assert signed_at
    report = verify_pdf(copy, dev_trust_services(DevPki(tmp_path / "unused")))
    assert report.signatures[1].signing_time == signed_at.group(1)


def test_sao_y_is_set_in_a_times_compatible_font_at_10_points(copy: bytes) -> None:
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        (widget,) = [a for a in pdf.pages[0].Annots if str(a.get("/T")) == "SohoaCopy"]
        streams = _content_streams(widget.AP.N)
    fonts = {name for stream in streams for name in re.findall(rb"/(\S+) 10 Tf", stream)}
    assert fonts  # every line at 10 pt
    assert not any(re.search(rb"/\S+ (?!10 )\d+(\.\d+)? Tf", s) for s in streams)
    font_names = _font_names(copy)
    assert any("LiberationSerif" in name for name in font_names)


def test_stamp_text_is_not_shrunk_to_fit_its_box(copy: bytes, tmp_path: Path) -> None:
    """A 10 pt line set at 10 pt on the page: the box is sized to the text, so no layout
    scaling shrinks it (pdftotext's word box of Liberation Serif is 1.107 em tall)."""
    heights = {word: bottom - top for word, top, bottom in word_boxes(copy)}
    assert abs(heights[AGENCY] - 11.07) < 0.3, heights  # the SAO Y block: 10 pt
    assert abs(heights[f"Người số hóa: {OPERATOR}"] - 8.86) < 0.3, heights  # the operator's: 8 pt


def _content_streams(xobject: pikepdf.Object) -> list[bytes]:
    found = [xobject.read_bytes()]
    resources = xobject.get("/Resources", {})
    for child in resources.get("/XObject", {}).values():
        if child.get("/Subtype") == "/Form":
            found += _content_streams(child)
    return found


def _font_names(pdf_bytes: bytes) -> set[str]:
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                names.add(str(obj.get("/BaseFont", "")))
    return names


def _png(draw: str, size: tuple[int, int], dpi: int = 300) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if draw == "seal":
        pen.ellipse((4, 4, size[0] - 5, size[1] - 5), outline=(220, 20, 30, 255), width=14)
        pen.ellipse((60, 60, size[0] - 61, size[1] - 61), outline=(220, 20, 30, 255), width=6)
    else:
        pen.line([(20, size[1] - 40), (200, 30), (320, size[1] - 60), (size[0] - 20, 50)],
                 fill=(20, 40, 200, 255), width=12)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def test_result_shows_the_signature_image_with_the_seal_over_its_left_third(
        pki: DevPki, trust: TrustServices, scan: bytes, tmp_path: Path) -> None:
    # REGULATIONS 9.F.43–44: blue signature image; red seal at actual size (36 mm here),
    # overlapping about a third of the signature image on its left.
    signature, seal = _png("signature", (600, 240)), _png("seal", (425, 425))
    person, agency = result_requests(
        pki.key_source(pki.operator("Trần Văn Bình")), pki.key_source(pki.agency()),
        signature, seal, centre_mm=(140.0, 230.0))
    issued = sign_pdf(sign_pdf(scan, person, trust), agency, trust)
    report = verify_pdf(issued, trust)
    assert report.valid and [s.level for s in report.signatures] == ["B-LTA", "B-LTA"]

    page = render(issued, tmp_path, dpi=100)
    red = (page[..., 0] > 150) & (page[..., 1] < 90) & (page[..., 2] < 90)
    blue = (page[..., 2] > 150) & (page[..., 0] < 90)
    red_x, red_y = np.nonzero(red.T)
    blue_x, blue_y = np.nonzero(blue.T)
    mm = 100 / 25.4  # pixels per millimetre
    assert (red_x.max() - red_x.min()) / mm == pytest.approx(36.0, abs=1.5)  # actual size
    blue_left, blue_right = blue_x.min() - 20 / 300 * 100, blue_x.max() + 20 / 300 * 100
    overlap = (red_x.max() - blue_left) / (blue_right - blue_left)
    assert overlap == pytest.approx(1 / 3, abs=0.06)
    assert red_x.min() < blue_left  # the seal sits on the signature's left
    assert abs((red_y.min() + red_y.max()) / 2 - 230 * mm) < 3 * mm
    assert abs((blue_x.min() + blue_x.max()) / 2 - 140 * mm) < 6 * mm


def test_bad_appearance_inputs_are_refused_with_their_reason(
        pki: DevPki, trust: TrustServices, scan: bytes, font: Path) -> None:
    with pytest.raises(BadSigningInput, match="SAO Y"):
        copy_stamp("BẢN CHỤP", AGENCY, font)
    jpeg = image_bytes(text_page(100), "JPEG", 100)
    with pytest.raises(BadSigningInput, match="PNG"):
        result_requests(pki.key_source(pki.agency()), pki.key_source(pki.agency()),
                        jpeg, _png("seal", (300, 300)), (100.0, 100.0))
    far = copy_request(pki.key_source(pki.agency()), font, AGENCY, level=PadesLevel.B_B)
    with pytest.raises(BadSigningInput, match="trang"):
        sign_pdf(scan, type(far)(**{**far.__dict__, "appearance": type(far.appearance)(
            **{**far.appearance.__dict__, "page": 5})}), trust)


def _blank_pdf(width_mm: float, height_mm: float) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(width_mm * 72 / 25.4, height_mm * 72 / 25.4))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_stamp_fits_the_smallest_page_intake_accepts_and_refuses_smaller_by_name(
        pki: DevPki, trust: TrustServices, font: Path) -> None:
    """Intake accepts pages from 25 mm a side (a 3×4 cm photo); the stamp shrinks to fit
    them. A smaller page is refused with a named error, never pyHanko's LayoutError."""
    operator = operator_request(pki.key_source(pki.operator(OPERATOR)), font, OPERATOR,
                                datetime(2026, 11, 24, 2, 15, 3, tzinfo=UTC))
    signed = sign_pdf(_blank_pdf(25, 35), operator, trust)
    assert verify_pdf(signed, trust).valid
    for width_mm, height_mm in ((2, 2), (25, 8), (1.8, 300)):
        with pytest.raises(BadSigningInput, match="quá nhỏ"):
            sign_pdf(_blank_pdf(width_mm, height_mm), operator, trust)
