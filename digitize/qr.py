"""QR codes in and out: segno draws them (ISO/IEC 18004), zxing-cpp reads them.

Reading works on a grey copy whose longer side is at most ``READ_SIZE``
pixels: the codes we read (separator sheets, the căn cước card) are large
enough for that, and the decoder's time grows with the pixel count.
"""

from __future__ import annotations

import numpy as np
import segno
import zxingcpp
from PIL import Image

READ_SIZE = 1400
_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def qr_image(text: str, *, module_px: int, border: int = 4) -> Image.Image:
    """A black-on-white QR of ``text`` (UTF-8, medium error correction) with a quiet zone."""
    code = segno.make(text, error="m", encoding="utf-8", eci=not text.isascii(), micro=False)
    modules = np.array([list(row) for row in code.matrix], dtype=bool)
    modules = np.pad(modules, border, constant_values=False)
    pixels = np.where(modules, 0, 255).astype(np.uint8)
    pixels = pixels.repeat(module_px, axis=0).repeat(module_px, axis=1)
    return Image.fromarray(pixels, mode="L")


def read_qr(image: Image.Image, *, size: int = READ_SIZE) -> list[str]:
    """The text of every QR code found on the image, largest image side capped at ``size``."""
    grey = image.convert("L")
    longest = max(grey.size)
    if longest > size:
        scale = size / longest
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.BOX)
    found = zxingcpp.read_barcodes(grey, formats=_QR_ONLY)
    return [code.text for code in found if code.valid]
