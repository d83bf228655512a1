"""Text is stored one way whatever path it came by (issue 25, item 4), and always fits
its column (issue 27: the kernel cuts it, no caller slices)."""

from __future__ import annotations

from sqlalchemy.orm import configure_mappers

from kernel import clean_text, cut
from vault.models import Agency, Document

NFD = "Quye\u0302\u0301t \u0111i\u0323nh"  # "Quyết định" as macOS writes file names


def test_names_lose_controls_overrides_and_line_breaks_and_become_nfc() -> None:
    assert clean_text("a\u202egnp.exe") == "agnp.exe"
    assert clean_text("Nguyễn\r\nVăn\u200b An\x00") == "Nguyễn Văn An"
    assert clean_text(NFD) == "Quyết định"
    assert clean_text("  ordinary ASCII stays as it was ") == "  ordinary ASCII stays as it was "


def test_multiline_text_keeps_its_line_breaks_as_newlines() -> None:
    assert clean_text("dòng 1\r\ndòng 2\u2028dòng 3\u202e", multiline=True) == (
        "dòng 1\ndòng 2\ndòng 3")


def test_every_text_column_and_sealed_field_is_cleaned_when_assigned() -> None:
    configure_mappers()
    agency = Agency()
    agency.name = "UBND\u202e phường\r\nBến Thành"
    assert agency.name == "UBND phường Bến Thành"
    document = Document()
    document.title = NFD + "\u2066.pdf"
    document.summary = "Điều 1.\r\nĐiều 2.\u200f"
    assert (document.title, document.summary) == ("Quyết định.pdf", "Điều 1.\nĐiều 2.")


def test_text_is_cut_to_its_column_or_sealed_field_without_splitting_a_letter() -> None:
    configure_mappers()
    agency = Agency()
    agency.name = "Ủy ban " * 60  # 420 characters into String(255)
    assert len(agency.name) <= 255 and agency.name.startswith("Ủy ban Ủy ban")
    document = Document()
    document.number_symbol = "1" * 200  # a sealed field of 64
    document.summary = "Điều 1.\n" * 100  # multi-line, cut at 500, breaks kept
    assert document.number_symbol == "1" * 64
    assert len(document.summary) <= 500 and "\n" in document.summary
    # NFD text that reaches `cut` directly never loses a base letter's marks halfway.
    assert cut("ae\u0302\u0301", 3) == "a"
    assert cut("Quyết", 10) == "Quyết"
