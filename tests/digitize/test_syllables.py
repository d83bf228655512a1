"""Vietnamese syllable validity (issue 26, item 4): the closed set, told from OCR noise."""

from __future__ import annotations

import pytest

from digitize.syllables import is_syllable, valid_share

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
