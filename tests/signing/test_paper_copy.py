"""The printable paper copy and the QR data sets (issue 4, item 8; REGULATIONS 9.A.14, 9.E.40–41)."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest

from digitize.qr import read_qr
from kernel import VIETNAM
from signing import (
    BadSigningInput,
    CertificationBlock,
    ConversionData,
    FormalCopy,
    PublicationData,
    paper_copy,
    parse_labelled,
)
from tests.inputs import image_bytes, image_pdf, render_page, text_page

WHEN = datetime(2026, 11, 24, 9, 15, 3, tzinfo=VIETNAM)
BLOCK = CertificationBlock("Hệ thống số hóa sohoa", "001099012345.GKS.01", "7KQ2-M9XD-4TRB",
                           "https://sohoa.example.vn/v/7KQ2-M9XD-4TRB", "Trần Văn Bình", WHEN)
PUBLICATION = PublicationData("000.00.00.H00-261124-0001", "1.001193", "001099012345",
                              "Giấy khai sinh", "Hệ thống số hóa sohoa", WHEN,
                              lookup_url=BLOCK.lookup_url)


def three_pages() -> bytes:
    pdf = pikepdf.new()
    for _ in range(3):
        page = pikepdf.open(io.BytesIO(image_pdf(image_bytes(text_page(100), "JPEG", 100))))
        pdf.pages.extend(page.pages)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def page_text(pdf: bytes, page: int, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_every_page_is_kept_on_a4_with_the_qr_first_and_the_sao_y_block_last(
        tmp_path: Path) -> None:
    formal = FormalCopy("SAO Y", "UBND xã Tân Thành", "07/SY-UBND", "Tân Thành", "Chủ tịch",
                        "Nguyễn Văn An")
    pdf = paper_copy(three_pages(), PUBLICATION.text(), BLOCK, formal)
    with pikepdf.open(io.BytesIO(pdf)) as sheet:
        assert len(sheet.pages) == 3
        for page in sheet.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4
    first, middle, last = (page_text(pdf, n, tmp_path) for n in (1, 2, 3))
    assert "BẢN CHUYỂN ĐỔI TỪ VĂN BẢN ĐIỆN TỬ SANG VĂN BẢN GIẤY" in first
    assert "Mã tra cứu: 7KQ2-M9XD-4TRB" in first and "Trần Văn Bình" in first
    assert "SAO Y" not in first and "SAO Y" not in middle
    assert "Số: 07/SY-UBND" in last and "Tân Thành, ngày 24 tháng 11 năm 2026" in last
    assert "- Tổ chức, cá nhân yêu cầu; - Lưu: VT." in last
    for number, text in enumerate((first, middle, last), start=1):
        assert f"Mã tra cứu 7KQ2-M9XD-4TRB · Trang {number}/3" in text  # loose sheets match

    page = render_page(pdf)
    (found,) = read_qr(page.crop((0, 0, page.width // 3, page.height // 6)), size=3000)
    assert parse_labelled(found) == {
        "Mã hồ sơ": "000.00.00.H00-261124-0001", "Mã TTHC": "1.001193",
        "Mã định danh": "001099012345", "Tên giấy tờ": "Giấy khai sinh",
        "Hệ thống": "Hệ thống số hóa sohoa", "Thời gian xuất bản": "2026-11-24T09:15:03+07:00",
        "Tra cứu": "https://sohoa.example.vn/v/7KQ2-M9XD-4TRB",
    }


def test_labelled_qr_text_leaves_out_what_is_missing_and_reads_back() -> None:
    data = PublicationData(None, None, "0101234565", "Giấy phép  xây\ndựng", "HT", WHEN,
                           valid_until=WHEN.date(), validity_scope="Tỉnh Bình Dương")
    text = data.text()
    assert "Mã hồ sơ" not in text and "Tra cứu" not in text
    assert parse_labelled(text)["Tên giấy tờ"] == "Giấy phép xây dựng"  # one line per field
    assert parse_labelled(text)["Thời hạn hiệu lực"] == "2026-11-24"
    mark = ConversionData("Bản điện tử được chuyển đổi từ bản giấy", WHEN, "UBND xã A").text()
    assert mark.splitlines()[0] == "Ký hiệu: Bản điện tử được chuyển đổi từ bản giấy"


def test_what_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(BadSigningInput):
        paper_copy(b"not a pdf", PUBLICATION.text(), BLOCK)
