"""The second recognition engine (AsterNet, ONNX) on the lines Tesseract is unsure of."""

from __future__ import annotations

import numpy as np
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement
from PIL import Image, ImageDraw, ImageFont

from digitize.ocr.second_engine import (
    LineReading,
    available,
    choose_line,
    read_line,
    reread_unsure_lines,
)
from tests.inputs import FONT

LINE = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ"


def _line_image(text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """`text` on one line at about 300 dpi body size, and each word's x range."""
    font = ImageFont.truetype(str(FONT), 50)
    width = int(font.getlength(text)) + 40
    image = Image.new("L", (width, 90), 255)
    ImageDraw.Draw(image).text((20, 15), text, font=font, fill=0)
    spans, x = [], 20.0
    for word in text.split():
        length = font.getlength(word)
        spans.append((int(x), int(x + length)))
        x += length + font.getlength(" ")
    return np.asarray(image), spans


def test_the_model_ships_in_a_package_and_reads_a_vietnamese_line() -> None:
    # REGULATIONS 9.A.6: the text layer must hold the document's words; the second
    # engine's weights are installed with the service (no download at run time).
    assert available()
    long_line = LINE + " và Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
    gray, spans = _line_image(long_line)
    # Wider than the model's 1024-px strip at 32 px high: cut at word gaps.
    assert gray.shape[1] * 32 / gray.shape[0] > 1024
    reading = read_line(gray, spans, 15, 75)
    assert reading.text == long_line
    assert reading.confidence > 0.9


def test_a_reading_that_changes_a_number_is_never_taken() -> None:
    first = LineReading("ngày 05 tháng 3 năm 2O2O", 0.50)
    assert not choose_line(first, LineReading("ngày 05 tháng 8 năm 2020", 0.99), margin=0.05)
    assert choose_line(LineReading("ngày 05 thảng 3 nămm 2020", 0.50),
                       LineReading("ngày 05 tháng 3 năm 2020", 0.99), margin=0.05)


def _page_with_line(words: list[tuple[str, float, tuple[int, int]]], height: int) -> OcrElement:
    children = [OcrElement(ocr_class=OcrClass.WORD, text=text, confidence=confidence,
                           bbox=BoundingBox(left, 15, right, 75))
                for text, confidence, (left, right) in words]
    right = max(w[2][1] for w in words)
    line = OcrElement(ocr_class=OcrClass.LINE, bbox=BoundingBox(0, 15, right, 75), children=children)
    return OcrElement(ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, right + 20, height),
                      children=[line])


def test_an_unsure_line_is_read_again_and_the_better_reading_kept() -> None:
    gray, spans = _line_image(LINE)
    garbled = ["Cán", "cú", "Nghi", "đinh", "sô", "30/2020/NĐ-CP", "ngàv", "05", "thảng", "3",
               "nărn", "2020", "cúa", "Chinh", "phú"]
    page = _page_with_line([(w, 0.45, span) for w, span in zip(garbled, spans, strict=True)],
                           gray.shape[0])
    assert reread_unsure_lines(page, gray, below=0.85, margin=0.05) == 1
    assert " ".join(w.text for w in page.words) == LINE
    # Word for word: each word keeps its own box.
    assert [int(w.bbox.left) for w in page.words if w.bbox] == [s[0] for s in spans]


def test_a_sure_line_is_left_alone() -> None:
    gray, spans = _line_image(LINE)
    # A confident line of valid syllables is not read again, even where the second
    # engine would read the pixels otherwise ("Nghị" in the image).
    words = LINE.replace("Nghị", "Quyết").split()
    page = _page_with_line([(w, 0.97, span) for w, span in zip(words, spans, strict=True)],
                           gray.shape[0])
    assert reread_unsure_lines(page, gray, below=0.85, margin=0.05) == 0
    assert page.words[2].text == "Quyết"
