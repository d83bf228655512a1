"""Pages degraded the way photocopiers and wet paper degrade them, made by the tests.

Each maker takes a clean page and returns it with one kind of damage, written
here from what counter scans show (dark roller bands, drum streaks, a grid of
streaks, a smudged half), deterministic for a given seed. They are test inputs,
not the benchmark's degradation models (those come from outside: `bench/`).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.inputs import FONT

#: A decision's first page: the national header, the title and the body.
DECISION = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "QUYẾT ĐỊNH",
    "Về việc ban hành quy chế số hóa hồ sơ thủ tục hành chính",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
    "Điều 1. Ban hành kèm theo Quyết định này quy chế số hóa hồ sơ.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký ban hành.",
    "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở,",
    "thủ trưởng các ban, ngành và Chủ tịch Ủy ban nhân dân cấp xã",
    "chịu trách nhiệm thi hành Quyết định này.",
    "Nơi nhận: như Điều 3; lưu văn thư.",
    "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An",
    "Quy chế này quy định việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "tại Bộ phận Một cửa các cấp trên địa bàn tỉnh và việc khai thác, sử dụng",
    "kết quả số hóa trong giải quyết thủ tục hành chính.",
]
#: Where the two dark roller bands lie, as fractions of the page height.
BANDS = ((0.115, 0.145), (0.80, 0.83))


def decision_page(dpi: int = 200) -> Image.Image:
    """An A4 page of `DECISION`, its first lines above the first band's place and its
    last below the second's."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), size=round(13 / 72 * dpi))
    y = 0.03 * height
    for line in DECISION:
        draw.text((round(0.9 * dpi), y), line, font=font, fill=0)
        y += round(0.42 * dpi)
        for top, bottom in BANDS:
            if top - 0.02 < y / height < bottom:
                y = (bottom + 0.01) * height
    return page


def roller_bands(page: Image.Image) -> Image.Image:
    """Two dark bands across the page, as a copier's rollers leave them."""
    pixels = np.asarray(page).copy()
    height = pixels.shape[0]
    for top, bottom in BANDS:
        band = pixels[int(top * height):int(bottom * height)]
        pixels[int(top * height):int(bottom * height)] = (band * 0.25).astype(np.uint8) + 20
    return Image.fromarray(pixels)


def drum_streaks(page: Image.Image, *, horizontal: bool = False, seed: int = 1) -> Image.Image:
    """Thin dotted grey streaks down the page (a dirty drum), and across it too with
    `horizontal` (a grid, as on a copy of a copy)."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(page).astype(np.int16).copy()
    height, width = pixels.shape
    for x in rng.integers(int(0.05 * width), int(0.95 * width), 9):
        column = pixels[:, x:x + int(rng.integers(2, 6))]
        dotted = rng.random(height) >= 0.15
        column[dotted] = np.minimum(column[dotted], int(rng.integers(70, 140)))
    if horizontal:
        for y in rng.integers(int(0.05 * height), int(0.95 * height), 7):
            pixels[y:y + 3, :] = np.minimum(pixels[y:y + 3, :], 110)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def smudged(page: Image.Image, top: float = 0.55, bottom: float = 0.95) -> Image.Image:
    """The band from `top` to `bottom` (fractions of the height) blurred past reading,
    as a wet page or a bad fold leaves it: ink a person sees, no words."""
    pixels = np.asarray(page).copy()
    height = pixels.shape[0]
    part = slice(int(top * height), int(bottom * height))
    pixels[part] = cv2.GaussianBlur(pixels[part], (0, 0), 4.5)
    return Image.fromarray(pixels)
