"""Vietnamese syllable validity (issue 26, item 4): the closed set, told from OCR noise."""

from __future__ import annotations

import unicodedata

import pytest

from digitize.syllables import is_syllable, normalise_word, valid_share

SENTENCES = ("Quyết định này có hiệu lực kể từ ngày ký ban hành Nguyễn Văn An "
             "Thường trực Ủy ban nhân dân tỉnh huyện xã khuyến khích giấy nghiêng "
             "ngoằn ngoèo khuya quyển oái oăm")
REAL = SENTENCES.split()


@pytest.mark.parametrize("word", REAL)
def test_real_syllables_are_valid(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["quvết", "tnh", "Ðiểu", "hiệư", "ánhh", "xyz", "lựcc",
                                  "quyếtt", "ngàyý"])
def test_ocr_noise_is_not(word: str) -> None:
    assert not is_syllable(word)


def test_the_share_ignores_numbers_and_codes_and_counts_letters() -> None:
    assert valid_share(["Số:", "95/2024/QĐ-UBND", "ngày", "18"]) == 1.0
    assert valid_share(["Quyết", "định"]) == 1.0
    assert 0.4 < valid_share(["Quyết", "đnh", "này"]) < 0.9


@pytest.mark.parametrize("word", REAL + ["hoà", "hòa", "thuý", "thúy", "Nguyễn,", "(Điều", "2020",
                                        "QĐ-UBND", "Smith", "nguòi"])
def test_normalising_leaves_what_is_right_or_not_ours_to_change(word: str) -> None:
    # REGULATIONS 9.A.6: the text layer holds the document's own words: old and new
    # tone spellings both stand, and names, numbers, codes and non-syllables are kept.
    assert normalise_word(word) == unicodedata.normalize("NFC", word)


@pytest.mark.parametrize(("read", "meant"), [
    ("tiêń", "tiến"), ("qúy", "quý"), ("mứơi", "mưới"), ("Ðiều", "Điều"), ("ÐIỀU", "ĐIỀU"),
    ("(Ðiều", "(Điều"), ("Ð-UBND", "Đ-UBND"), ("Nguyêñ", "Nguyễn"),
    (unicodedata.normalize("NFD", "Quyết"), "Quyết"),
])
def test_normalising_mends_what_ocr_gets_wrong(read: str, meant: str) -> None:
    assert normalise_word(read) == meant
