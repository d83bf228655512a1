"""Text helpers shared by the field finders: Unicode clean-up and diacritic folding.

OCR of Vietnamese mixes look-alike code points (Icelandic ``Ð`` for ``Đ``,
decomposed accents) and drops or swaps tone marks. The finders match keywords
on a *folded* copy — accents stripped, ``đ`` to ``d``, upper case — that keeps
exactly one character per character of the NFC text, so a match position in
the folded copy is the same position in the original and values are cut from
the original with their accents intact.
"""

from __future__ import annotations

import unicodedata

_LOOKALIKES = str.maketrans({
    "\u00d0": "Đ",  # Ð LATIN CAPITAL LETTER ETH, Tesseract's favourite for Đ
    "\u0189": "Đ",  # Ɖ AFRICAN D
    "\u00f0": "đ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2044": "/", "\u2215": "/",
    "\u00a0": " ",
})


def clean(text: str) -> str:
    """NFC with OCR look-alikes mapped to the characters Vietnamese documents use."""
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


def fold(text: str) -> str:
    """Upper-case ASCII skeleton of ``text``, the same length (``text`` must be ``clean``)."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("D")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.upper() if base.isascii() and len(base.upper()) == 1 else base)
    return "".join(out)


def is_upper_line(line: str) -> bool:
    """A line written in capitals (headers, titles, positions), with at least two letters."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def collapse(text: str) -> str:
    """Single spaces, no leading or trailing blank."""
    return " ".join(text.split())
