"""Tesseract fed the prepared image directly, through its C++ API (tesserocr).

Running the `tesseract` command per page costs a process start, a model load
and an image encode/decode round trip; through the API the model stays loaded
in each OCR worker and the page goes over as pixels. The tesserocr wheel carries
Tesseract 5.5, which reads a page in about 1.6 s where Debian 12's 5.3 command
takes 2.0 s (`bench/ocr_pipeline.py`); it uses the same `vie` model from the
system's tessdata. One thread per page (`OMP_THREAD_LIMIT=1`): on two cores
Tesseract's OpenMP threads make a page four times slower (TOOLCHAIN.md).
"""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import tesserocr  # noqa: E402
from numpy.typing import NDArray  # noqa: E402
from PIL import Image  # noqa: E402

#: Where Debian's tesseract-ocr-vie puts the model.
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"

_HOCR_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi"><head><title></title>'
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>'
    "<meta name='ocr-system' content='tesseract'/></head><body>{page}</body></html>\n"
)


class TesseractTimeout(Exception):
    """Tesseract did not finish the page within its time limit."""


class TesseractFailed(Exception):
    """Tesseract could not read the page."""


_local = threading.local()


def _api(tessdata: str, language: str, psm: int) -> tesserocr.PyTessBaseAPI:
    """This thread's Tesseract, loaded once per (tessdata, language, mode)."""
    key = (tessdata, language, psm)
    cached = getattr(_local, "api", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        cached[1].End()
    api = tesserocr.PyTessBaseAPI(path=tessdata, lang=language, psm=psm)
    # Scans of administrative papers have no white-on-black text; re-reading every
    # doubtful line inverted only costs time.
    api.SetVariable("tessedit_do_invert", "0")
    _local.api = (key, api)
    return api


def read_hocr(image: NDArray[np.uint8], *, dpi: float, language: str = "vie", psm: int = 3,
              timeout: float = 180.0, tessdata: str = DEFAULT_TESSDATA) -> bytes:
    """hOCR of a grey `image`; raises `TesseractTimeout` after `timeout` seconds."""
    api = _api(tessdata, language, psm)
    api.SetImage(Image.fromarray(image))
    api.SetSourceResolution(max(1, round(dpi)))
    started = time.monotonic()
    if not api.Recognize(timeout=max(1, int(timeout * 1000))):
        api.Clear()
        if time.monotonic() - started >= timeout * 0.95:
            raise TesseractTimeout(f"Tesseract exceeded {timeout:.0f} s")
        raise TesseractFailed("Tesseract could not read the page")
    page = api.GetHOCRText(0)
    api.Clear()
    return _HOCR_DOCUMENT.format(page=page).encode("utf-8")


def word_confidences(image: NDArray[np.uint8], *, dpi: float, language: str = "vie",
                     timeout: float = 30.0) -> list[int]:
    """Tesseract's confidence (0–100) in each word it reads in `image`, as one block of
    text: a quick reading to check a decision by (which way up, blurry or not)."""
    api = _api(DEFAULT_TESSDATA, language, 6)
    api.SetImage(Image.fromarray(image))
    api.SetSourceResolution(max(1, round(dpi)))
    try:
        if not api.Recognize(timeout=max(1, int(timeout * 1000))):
            return []
        return list(api.AllWordConfidences())
    finally:
        api.Clear()


def confident_words(image: NDArray[np.uint8], *, dpi: float, language: str = "vie",
                    min_confidence: int = 70) -> int:
    """How many words Tesseract reads in `image` with at least `min_confidence`."""
    return sum(1 for confidence in word_confidences(image, dpi=dpi, language=language)
               if confidence >= min_confidence)
