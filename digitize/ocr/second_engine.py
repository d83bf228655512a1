"""A second recognition engine for the lines Tesseract is unsure of.

The engine is AsterNet, a CPU line recogniser for Vietnamese (CNN + CTC, 227
characters: every Vietnamese letter with its tone). Its ONNX weights ship inside
the ``asterocr`` package (MIT), so nothing is downloaded; we run them with
onnxruntime (MIT) and decode the CTC output ourselves, and never import the
package's Python code (it also carries training, telemetry and download helpers
that a counter service has no business running).

The model reads a strip 32 px high and at most 1024 px wide (256 CTC steps of 4 px):
a line is cut at Tesseract's word gaps into pieces that fit, and each piece is read
on its own. The line's reading from either engine is kept by confidence and
Vietnamese-syllable validity (`choose_line`).
"""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

from kernel import DomainError

from ..syllables import valid_share

HEIGHT = 32
#: The model's positional encoding has 256 steps; each step is 4 px of input.
MAX_WIDTH = 1024


class SecondEngineMissing(DomainError):
    """The second engine was asked for but its model is not installed."""

    code = "second_engine_missing"
    http_status = 500


@dataclass(frozen=True)
class LineReading:
    text: str
    #: Mean probability of the characters read, 0–1.
    confidence: float


def _assets() -> Path:
    spec = importlib.util.find_spec("asterocr")
    if spec is None or not spec.submodule_search_locations:
        raise SecondEngineMissing("the asterocr package (AsterNet weights) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "assets"


@functools.lru_cache(maxsize=1)
def _model() -> tuple[Any, str, list[str]]:
    import onnxruntime as ort

    assets = _assets()
    options = ort.SessionOptions()
    # One thread: OCR already runs one worker process per core.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(assets / "asternet.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    vocabulary = json.loads((assets / "vocab.json").read_text(encoding="utf-8"))["chars"]
    return session, session.get_inputs()[0].name, list(vocabulary)


def available() -> bool:
    try:
        _assets()
    except SecondEngineMissing:
        return False
    return True


def read_strip(gray: NDArray[np.uint8]) -> LineReading:
    """One strip of text (dark on light, any height), read greedily."""
    session, input_name, vocabulary = _model()
    height, width = gray.shape[:2]
    if height < 4 or width < 4:
        return LineReading("", 0.0)
    new_width = min(MAX_WIDTH, max(HEIGHT, round(width * HEIGHT / height)))
    new_width = (new_width + 3) // 4 * 4
    strip = cv2.resize(gray, (new_width, HEIGHT), interpolation=cv2.INTER_AREA)
    pixels = (strip.astype(np.float32) / 255.0 - 0.5) / 0.5
    tensor = np.repeat(pixels[None, None, :, :], 3, axis=1)
    out = session.run(None, {input_name: tensor})[0]
    steps = out[:, 0, :] if out.shape[1] == 1 else out[0]
    probabilities = np.exp(steps - steps.max(axis=-1, keepdims=True))
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    best = probabilities.argmax(axis=-1)
    text: list[str] = []
    kept: list[float] = []
    previous = -1
    for step, index in enumerate(best.tolist()):
        if index != previous and index != 0:
            text.append(vocabulary[index])
            kept.append(float(probabilities[step, index]))
        previous = index
    return LineReading("".join(text).strip(), float(np.mean(kept)) if kept else 0.0)


def read_line(gray: NDArray[np.uint8], words: list[tuple[int, int]], top: int, bottom: int) -> LineReading:
    """A line of `gray` between `top` and `bottom`, whose words span the given x ranges
    (left to right): cut at word gaps into pieces the model can take."""
    pad = max(2, (bottom - top) // 6)
    top, bottom = max(0, top - pad), min(gray.shape[0], bottom + pad)
    limit = MAX_WIDTH * (bottom - top) / HEIGHT
    pieces: list[list[int]] = []
    for left, right in words:
        if pieces and right - pieces[-1][0] + 2 * pad <= limit:
            pieces[-1][1] = right
        else:
            pieces.append([left, right])
    readings = [read_strip(gray[top:bottom, max(0, left - pad):min(gray.shape[1], right + pad)])
                for left, right in pieces]
    text = " ".join(r.text for r in readings if r.text)
    chars = sum(len(r.text) for r in readings)
    confidence = sum(r.confidence * len(r.text) for r in readings) / chars if chars else 0.0
    return LineReading(text, confidence)


def line_score(text: str, confidence: float) -> float:
    """How good a line's reading looks: its confidence times its valid-Vietnamese share."""
    return confidence * valid_share(text.split())


def choose_line(first: LineReading, second: LineReading, margin: float) -> bool:
    """Whether the second engine's reading should replace the first's. Digits must
    agree: a reading that changes a number (a date, an ID, an amount) is never taken,
    whichever engine is more confident."""
    if not second.text or _digits(first.text) != _digits(second.text):
        return False
    return line_score(second.text, second.confidence) > line_score(first.text, first.confidence) + margin


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def reread_unsure_lines(page: OcrElement, gray: NDArray[np.uint8], *, below: float,
                        margin: float) -> int:
    """Read again with the second engine every line of `page` (in `gray`'s pixels) that
    Tesseract read with less than `below` confidence or with invalid syllables, and
    take the second reading where `choose_line` says so. Returns the lines replaced."""
    replaced = 0
    for line in page.lines:
        words = [w for w in line.children if w.ocr_class == OcrClass.WORD and w.text.strip() and w.bbox]
        if not words or line.bbox is None:
            continue
        text = " ".join(w.text.strip() for w in words)
        chars = sum(len(w.text.strip()) for w in words)
        confidence = sum((w.confidence or 0.0) * len(w.text.strip()) for w in words) / chars
        first = LineReading(text, confidence)
        if confidence >= below and valid_share(text.split()) >= 1.0:
            continue
        boxes = [w.bbox for w in words if w.bbox is not None]
        second = read_line(gray, [(int(b.left), int(b.right)) for b in boxes],
                           int(min(b.top for b in boxes)), int(max(b.bottom for b in boxes)))
        if choose_line(first, second, margin):
            _take(line, words, second)
            replaced += 1
    return replaced


def _take(line: OcrElement, words: list[OcrElement], reading: LineReading) -> None:
    """Put `reading` in place of the line's words: word for word when the counts agree,
    else spread over the line's width by the length of each word."""
    new = reading.text.split()
    if len(new) == len(words):
        for word, text in zip(words, new, strict=True):
            word.text, word.confidence = text, reading.confidence
        return
    assert line.bbox is not None
    left = min(w.bbox.left for w in words if w.bbox)
    right = max(w.bbox.right for w in words if w.bbox)
    top = min(w.bbox.top for w in words if w.bbox)
    bottom = max(w.bbox.bottom for w in words if w.bbox)
    unit = (right - left) / max(1, sum(len(t) + 1 for t in new) - 1)
    x = left
    spread = []
    for text in new:
        width = unit * len(text)
        spread.append(OcrElement(ocr_class=OcrClass.WORD, text=text, confidence=reading.confidence,
                                 bbox=BoundingBox(x, top, min(right, x + width), bottom)))
        x += width + unit
    others = [child for child in line.children if child not in words]
    line.children = others + spread
