"""How many characters of a page are likely wrong: an honest estimate from what the
reading itself shows, for staff to decide whether a page needs review.

Tesseract's mean confidence alone is a poor guide on degraded pages (a page read at
87 % confidence lost half its text in the outside probe). The estimate is made word
by word instead: each word read counts its characters times the share of characters
found wrong, on the development set, in words of the same confidence band and the
same validity (a valid Vietnamese syllable or not); to that is added the text lost
outright, in proportion to the share of the page's ink that no word covers.

The calibration is measured, not guessed: `bench/fit_estimate.py` reads the tuning
half of the development set as the service does and fits these tables to the pages'
measured CER; it checks them on the other half. It tells a page that needs review
from one that does not far better than it tells a bad page's exact error rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..syllables import passes

#: Lower edges of the confidence bands (Tesseract's word confidence, 0–1).
BANDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96)
#: Share of characters wrong in words of each band: valid syllables (or numbers and
#: codes, which are not judged) and invalid ones. From `bench/fit_estimate.py`.
CALIBRATION: Mapping[str, Sequence[float]] = {
    "valid": (1.0, 1.0, 0.9, 0.1857, 0.1666, 0.0097, 0.0061, 0.0058, 0.0008, 0.0007),
    "invalid": (1.0, 1.0, 1.0, 1.0, 1.0, 0.2125, 0.2, 0.18, 0.18, 0.1728),
}
#: Share of the page's text lost per unit of unread share.
LOST_PER_UNREAD = 0.4

def band_of(confidence: float) -> int:
    """The index of the band `confidence` falls in."""
    found = 0
    for index, edge in enumerate(BANDS):
        if confidence >= edge:
            found = index
    return found


def estimate(words: Iterable[tuple[str, float]], unread_share: float, *,
             calibration: Mapping[str, Sequence[float]] = CALIBRATION,
             lost_per_unread: float = LOST_PER_UNREAD) -> float:
    """Expected character error rate (0–1) of a page read as `words` (text, confidence),
    with `unread_share` of its text-like ink left unread."""
    chars = wrong = 0.0
    for text, confidence in words:
        rates = calibration["valid" if passes(text) else "invalid"]
        chars += len(text)
        wrong += len(text) * rates[band_of(confidence)]
    if not chars:
        return 1.0 if unread_share > 0 else 0.0
    return round(min(1.0, wrong / chars + lost_per_unread * unread_share), 4)
