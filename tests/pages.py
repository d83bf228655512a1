"""Administrative pages the tests draw themselves, with the known truth of each change.

A page follows the layout of NĐ 30/2020: the two-column national header, a
title, justified body text. Degradations (tilt, turn, red seal, blue pen,
uneven light, a photo on a desk) are applied with known parameters, so each
preprocessing stage can be checked against what was done.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .inputs import FONT

BOLD = FONT.with_name("LiberationSerif-Bold.ttf")

HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Số: 95/2024/QĐ-UBND"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Quảng Nam, ngày 18 tháng 11 năm 2024"]
TITLE = ["QUYẾT ĐỊNH", "Về việc ban hành quy chế số hóa hồ sơ thủ tục hành chính"]
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ",
    "về thực hiện thủ tục hành chính trên môi trường điện tử;",
    "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
    "Điều 1. Ban hành kèm theo Quyết định này Quy chế số hóa hồ sơ, kết quả",
    "giải quyết thủ tục hành chính tại Bộ phận Một cửa các cấp trên địa bàn tỉnh.",
    "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và thay thế các",
    "quy định trước đây trái với Quyết định này.",
    "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban,",
    "ngành; Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố chịu trách",
    "nhiệm thi hành Quyết định này.",
    "Nơi nhận: như Điều 3; lưu văn thư, hồ sơ điện tử của tỉnh Quảng Nam.",
]


@dataclass
class Page:
    """A drawn page and its truth: the text in reading order and where the seal is."""

    image: Image.Image
    dpi: int
    text: list[str] = field(default_factory=list)
    seal_box: tuple[int, int, int, int] | None = None


def _font(dpi: int, points: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else FONT), size=round(points / 72 * dpi))


def document_page(dpi: int = 200, *, header: bool = True, body: list[str] | None = None,
                  mode: str = "L") -> Page:
    """An A4 page at `dpi`: national header (optional), title and body text."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(page)
    mm = dpi / 25.4
    left, right = round(30 * mm), width - round(15 * mm)
    y = round(20 * mm)
    text: list[str] = []
    if header:
        split = left + round(0.38 * (right - left))
        small = _font(dpi, 12, bold=True)
        for column, (x0, x1) in ((HEADER_LEFT, (left, split)), (HEADER_RIGHT, (split, right))):
            row_y = y
            for line in column:
                w = draw.textlength(line, font=small)
                draw.text((x0 + (x1 - x0 - w) / 2, row_y), line, font=small, fill="black")
                row_y += round(6.5 * mm)
            text.extend(column)
        y += round(3 * 6.5 * mm + 10 * mm)
        title = _font(dpi, 14, bold=True)
        for line in TITLE:
            w = draw.textlength(line, font=title)
            draw.text(((left + right - w) / 2, y), line, font=title, fill="black")
            y += round(8 * mm)
            text.append(line)
        y += round(4 * mm)
    regular = _font(dpi, 13)
    for line in body if body is not None else BODY:
        draw.text((left, y), line, font=regular, fill="black")
        y += round(7 * mm)
        text.append(line)
    return Page(page, dpi, text)


def add_red_seal(page: Page, centre: tuple[float, float] = (0.7, 0.62)) -> Page:
    """A semi-transparent red round seal with rim text, blended like ink over the text."""
    rgb = page.image.convert("RGB")
    width, height = rgb.size
    diameter = round(40 / 25.4 * page.dpi)
    cx, cy = round(centre[0] * width), round(centre[1] * height)
    seal = Image.new("L", rgb.size, 0)
    draw = ImageDraw.Draw(seal)
    r = diameter // 2
    for ring, thick in ((r, max(3, r // 18)), (round(r * 0.72), max(2, r // 30))):
        draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), outline=255, width=thick)
    font = _font(page.dpi, 9, bold=True)
    rim = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM * "
    for i, char in enumerate(rim):
        angle = math.pi + 2 * math.pi * i / len(rim)
        px, py = cx + 0.86 * r * math.cos(angle), cy + 0.86 * r * math.sin(angle)
        draw.text((px, py), char, font=font, fill=255, anchor="mm")
    draw.regular_polygon((cx, cy, r // 4), 5, fill=255)
    alpha = np.asarray(seal, dtype=np.float32) / 255 * 0.7
    pixels = np.asarray(rgb, dtype=np.float32)
    red = np.array([205, 30, 40], dtype=np.float32) / 255
    blended = pixels * (1 - alpha[..., None] * (1 - red))
    out = Image.fromarray(blended.clip(0, 255).astype(np.uint8), "RGB")
    return Page(out, page.dpi, page.text, (cx - r, cy - r, cx + r, cy + r))


def add_blue_pen(page: Page, seed: int = 1) -> Page:
    """Wavy blue ballpoint underlines and a margin tick (marks, not letters)."""
    rgb = page.image.convert("RGB")
    draw = ImageDraw.Draw(rgb)
    rng = np.random.default_rng(seed)
    width, height = rgb.size
    for _ in range(3):
        y = rng.uniform(0.45, 0.8) * height
        xs = np.linspace(0.2 * width, 0.7 * width, 40)
        points = [(float(x), float(y + 6 * math.sin(x / 25))) for x in xs]
        draw.line(points, fill=(30, 60, 170), width=max(2, page.dpi // 100))
    draw.line([(0.06 * width, 0.5 * height), (0.08 * width, 0.52 * height),
               (0.11 * width, 0.47 * height)], fill=(30, 60, 170), width=max(2, page.dpi // 90))
    return Page(rgb, page.dpi, page.text, page.seal_box)


def tilt(page: Page, degrees: float) -> Page:
    """Turned `degrees` counter-clockwise about the centre (as PIL), white corners."""
    fill = "white" if page.image.mode == "L" else (255, 255, 255)
    rotated = page.image.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    return Page(rotated, page.dpi, page.text, page.seal_box)


def turn(page: Page, degrees: int) -> Page:
    """Turned by a multiple of 90° counter-clockwise (a sheet fed sideways)."""
    return Page(page.image.rotate(degrees, expand=True), page.dpi, page.text, page.seal_box)


def uneven_light(page: Page, darkest: float = 0.55) -> Page:
    """Paper lit from the left: brightness falls linearly to `darkest` on the right."""
    pixels = np.asarray(page.image.convert("L"), dtype=np.float32)
    ramp = np.linspace(1.0, darkest, pixels.shape[1], dtype=np.float32)
    return Page(Image.fromarray((pixels * ramp).astype(np.uint8), "L"), page.dpi, page.text)


def photographed(page: Page, shift: float = 0.03) -> tuple[Page, np.ndarray]:
    """The page on a dark desk, corners pulled by up to `shift` of the width; and those corners."""
    paper = np.asarray(page.image.convert("L"))
    height, width = paper.shape
    margin = round(0.08 * width)
    frame = (width + 2 * margin, height + 2 * margin)
    d = shift * width
    corners = np.array([[margin + d, margin + 0.5 * d], [margin + width - 0.4 * d, margin + d],
                        [margin + width - d, margin + height - 0.3 * d],
                        [margin + 0.6 * d, margin + height - d]], dtype=np.float32)
    source = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
                      dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    desk = cv2.warpPerspective(paper, matrix, frame, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=60)
    return Page(Image.fromarray(desk, "L"), page.dpi, page.text), corners.astype(np.float64)


CARD_HOLDER = {
    "personal_id": "001099012345", "previous_id": "012345678", "name": "Nguyễn Văn An",
    "birth": "02091999", "sex": "Nam", "address": "Số 12 phố Tràng Tiền, Hoàn Kiếm, Hà Nội",
    "issued": "15082021",
}


def citizen_card_front(holder: dict[str, str] | None = None, dpi: int = 300) -> Image.Image:
    """The front of a chip-based căn cước card (85.6 × 54 mm) with its QR, top right."""
    from digitize.qr import qr_image

    h = holder or CARD_HOLDER
    width, height = round(85.6 / 25.4 * dpi), round(54 / 25.4 * dpi)
    card = Image.new("RGB", (width, height), (236, 240, 228))
    draw = ImageDraw.Draw(card)
    payload = "|".join([h["personal_id"], h["previous_id"], h["name"], h["birth"], h["sex"],
                        h["address"], h["issued"]])
    code = qr_image(payload, module_px=round(0.4 / 25.4 * dpi)).convert("RGB")  # 0.4 mm modules
    card.paste(code, (width - code.width - dpi // 12, dpi // 12))
    small, big = _font(dpi, 5.5, bold=True), _font(dpi, 8, bold=True)
    born = f"{h['birth'][:2]}/{h['birth'][2:4]}/{h['birth'][4:]}"
    lines = [
        (small, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (small, "Độc lập - Tự do - Hạnh phúc"),
        (big, "CĂN CƯỚC CÔNG DÂN"), (small, f"Số / No.: {h['personal_id']}"),
        (small, f"Họ và tên / Full name: {h['name'].upper()}"),
        (small, f"Ngày sinh / Date of birth: {born}"), (small, f"Giới tính / Sex: {h['sex']}"),
        (small, f"Nơi thường trú / Place of residence: {h['address']}"),
    ]
    y = dpi // 10
    for font, text in lines:
        draw.text((dpi // 10, y), text, font=font, fill=(20, 20, 30))
        y += round(font.size * 1.5)
    return card


def card_on_a4(card: Image.Image, dpi: int = 300) -> Image.Image:
    """The card laid on a flatbed scanner: an A4 colour page with the card near the top."""
    page = Image.new("RGB", (round(8.27 * dpi), round(11.69 * dpi)), (250, 250, 248))
    page.paste(card, (dpi // 2, dpi // 2))
    return page
