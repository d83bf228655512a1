"""Reading order of the national header, on OCR trees built by hand."""

from __future__ import annotations

from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

from digitize.ocr import order_national_header, tree_text

WIDTH, HEIGHT = 1654, 2339


def word(text: str, left: float, top: float) -> OcrElement:
    right = left + 22 * len(text)
    return OcrElement(ocr_class=OcrClass.WORD, text=text,
                      bbox=BoundingBox(left, top, right, top + 40), confidence=0.9)


def line(*words: OcrElement) -> OcrElement:
    boxes = [w.bbox for w in words]
    return OcrElement(ocr_class=OcrClass.LINE, children=list(words), bbox=BoundingBox(
        min(b.left for b in boxes), min(b.top for b in boxes),
        max(b.right for b in boxes), max(b.bottom for b in boxes)))


def page(*lines: OcrElement) -> OcrElement:
    paragraph = OcrElement(ocr_class=OcrClass.PARAGRAPH, children=list(lines),
                           bbox=BoundingBox(0, 0, WIDTH, HEIGHT))
    return OcrElement(ocr_class=OcrClass.PAGE, children=[paragraph],
                      bbox=BoundingBox(0, 0, WIDTH, HEIGHT))


def row(left: str, right: str, top: float) -> OcrElement:
    """One Tesseract line that runs across both header columns."""
    words = [word(t, 250 + 120 * i, top) for i, t in enumerate(left.split())]
    words += [word(t, 820 + 150 * i, top) for i, t in enumerate(right.split())]
    return line(*words)


def test_header_read_row_by_row_is_reordered_left_column_first():
    # REGULATIONS 9.A.9: extraction reads the issuing body and number from the left column.
    tree = page(
        row("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", 150),
        row("TỈNH QUẢNG NAM", "Độc lập - Tự do", 210),
        line(word("Số:", 300, 300), word("95/2024/QĐ-UBND", 380, 300),
             word("Quảng", 900, 302), word("Nam,", 1050, 302), word("ngày", 1200, 302)),
        line(word("QUYẾT", 650, 420), word("ĐỊNH", 800, 420)),
        line(word("Điều", 250, 520), word("1.", 380, 520), word("Ban", 480, 520),
             word("hành", 600, 520), word("kèm", 740, 520), word("theo", 880, 520)),
    )
    text = tree_text(order_national_header(tree)).split("\n")
    text = [t for t in text if t]
    assert text == [
        "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Số: 95/2024/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập - Tự do", "Quảng Nam, ngày",
        "QUYẾT ĐỊNH", "Điều 1. Ban hành kèm theo",
    ]


def test_a_stray_mark_between_the_columns_does_not_hide_the_header():
    first = row("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI", 150)
    first.children.insert(4, word("ˆ", 760, 150))
    tree = page(first, row("TỈNH QUẢNG NAM", "Độc lập - Tự do", 210),
                line(word("QUYẾT", 650, 420), word("ĐỊNH", 800, 420)))
    text = [t for t in tree_text(order_national_header(tree)).split("\n") if t]
    assert text[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]
    assert text[-1] == "QUYẾT ĐỊNH"


def test_header_already_split_into_blocks_keeps_its_order():
    left = [line(word("ỦY", 250, 150), word("BAN", 330, 150)),
            line(word("TỈNH", 260, 210), word("NAM", 380, 210))]
    right = [line(word("CỘNG", 850, 150), word("HÒA", 990, 150)),
             line(word("Độc", 860, 210), word("lập", 960, 210))]
    body = [line(word("Điều", 250, 420), word("1.", 380, 420), word("Ban", 480, 420),
                 word("hành", 600, 420), word("kèm", 740, 420), word("theo", 880, 420))]
    text = [t for t in tree_text(order_national_header(page(*left, *right, *body))).split("\n") if t]
    assert text == ["ỦY BAN", "TỈNH NAM", "CỘNG HÒA", "Độc lập", "Điều 1. Ban hành kèm theo"]


def test_page_without_header_is_unchanged():
    tree = page(line(word("2", 800, 100)),
                line(word("Điều", 250, 200), word("2.", 380, 200), word("Quyết", 480, 200),
                     word("định", 640, 200), word("này", 770, 200), word("có", 880, 200)))
    assert order_national_header(tree) is tree


def test_two_columns_low_on_the_page_are_not_a_header():
    # A signature block beside "Nơi nhận" at the bottom is not the national header.
    tree = page(line(word("Điều", 250, 200), word("3.", 380, 200), word("Chánh", 480, 200),
                     word("Văn", 640, 200), word("phòng", 770, 200), word("tỉnh", 900, 200)),
                row("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", 1900))
    assert tree_text(order_national_header(tree)) == tree_text(tree)
