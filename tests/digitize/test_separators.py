"""Separator sheets split a feeder batch into documents; the sheets are not content."""

from __future__ import annotations

import io

import img2pdf
import pikepdf
import pytest

from digitize import IntakeLimits, check_file
from digitize.separators import (
    BadSeparator,
    Separator,
    find_separator,
    part_files,
    separator_sheet,
    split_batch,
)
from tests.inputs import image_bytes, text_page

DOSSIER = "000.00.00.H00-241124-0001"
COMPONENTS = [("TP01", "Đơn đề nghị", 2), ("TP02", "Giấy khai sinh", 4), ("TP03", "Sổ hộ khẩu", 3)]


def sheet_jpeg(component: str, label: str) -> bytes:
    """The sheet as a feeder scans it: printed, then captured as a colour JPEG at 200 dpi."""
    with pikepdf.open(io.BytesIO(separator_sheet(Separator(DOSSIER, component, label)))) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        picture = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    return image_bytes(picture, "JPEG", 200)


def batch_pdf() -> tuple[bytes, list[bytes]]:
    """12 pages: a separator before each of three components (2, 4 and 3 pages)."""
    pages: list[bytes] = []
    content: list[bytes] = []
    for component, label, count in COMPONENTS:
        pages.append(sheet_jpeg(component, label))
        for n in range(count):
            page = image_bytes(text_page(200, mode="RGB", lines=[
                f"{label} — trang {n + 1}", "Nội dung giấy tờ của công dân."]), "JPEG", 200)
            pages.append(page)
            content.append(page)
    with pikepdf.open(io.BytesIO(img2pdf.convert(pages))) as pdf:
        out = io.BytesIO()
        pdf.save(out, min_version="1.7")
    return out.getvalue(), content


def test_sheet_qr_round_trips_and_refuses_unprintable_values() -> None:
    sheet = separator_sheet(Separator(DOSSIER, "TP02", "Giấy khai sinh"))
    with pikepdf.open(io.BytesIO(sheet)) as pdf:
        assert pdf.pdf_version >= "1.4"
        (image,) = pdf.pages[0].get_images().values()
        found = find_separator(pikepdf.PdfImage(image).as_pil_image())
    assert found == Separator(DOSSIER, "TP02", "Giấy khai sinh")
    with pytest.raises(BadSeparator):
        separator_sheet(Separator(DOSSIER, "TP|02"))
    with pytest.raises(BadSeparator):
        separator_sheet(Separator("", "TP02"))


def test_twelve_page_batch_with_three_separators_gives_three_documents() -> None:
    data, content = batch_pdf()
    batch = check_file("adf.pdf", data, IntakeLimits())
    assert batch.page_count == 12
    parts = split_batch([batch])
    assert [(p.separator.component if p.separator else None, len(p.pages)) for p in parts] == [
        (component, count) for component, _, count in COMPONENTS]
    # Each document keeps its pages' scanned bytes: the JPEG streams are copied, not re-encoded.
    kept = []
    for part in parts:
        (pdf_part,) = part_files(part, [batch])
        with pikepdf.open(io.BytesIO(pdf_part.data)) as pdf:
            for page in pdf.pages:
                (image,) = page.get_images().values()
                kept.append(image.read_raw_bytes())
    assert kept == content


def test_pages_before_the_first_sheet_form_their_own_document() -> None:
    page = image_bytes(text_page(200, mode="RGB"), "JPEG", 200)
    files = [check_file(name, data, IntakeLimits()) for name, data in [
        ("a.jpg", page), ("sep.jpg", sheet_jpeg("TP09", "")), ("b.jpg", page), ("c.jpg", page)]]
    parts = split_batch(files)
    assert [(p.separator, len(p.pages)) for p in parts] == [
        (None, 1), (Separator(DOSSIER, "TP09", ""), 2)]
    assert [f.name for f in part_files(parts[1], files)] == ["b.jpg", "c.jpg"]
    assert part_files(parts[1], files)[0].data == page  # whole files are passed on untouched
