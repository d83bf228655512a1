"""Vietnamese syllables: is a word read one that the language can have?

The set of Vietnamese syllables is closed: an optional initial consonant, a vowel
nucleus from a known list (with its glide), an optional final consonant, and at
most one tone mark. A reading full of words outside that set ("Ðiểu", "quvết",
"tnh") is a worse reading of the same page, whatever Tesseract's confidence; so
readings are compared by how much of their text is valid Vietnamese. Names and
numbers are never corrected here: this only tells valid from invalid.
"""

from __future__ import annotations

import re
import unicodedata

#: The five tone marks, as combining characters (NFD).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d",
             "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
#: Vowel nuclei with their glides and vowel finals (a, oa, uyê, ươi …).
_NUCLEI = (
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu",
    "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ",
    "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê", "iêu", "oai", "oay", "oao",
    "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "yêu", "uai", "uay", "ueo",
)
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
_SYLLABLE = re.compile(
    "(?:" + "|".join(_INITIALS) + ")?"
    "(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
    "(?:" + "|".join(_FINALS) + ")?")


def toneless(word: str) -> tuple[str, int]:
    """``word`` in lower case without its tone marks (NFC), and how many it had."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    bare = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", bare), tones


def is_syllable(word: str) -> bool:
    """Whether ``word`` (letters only) is a possible Vietnamese syllable."""
    bare, tones = toneless(word)
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None


def valid_share(words: list[str]) -> float:
    """The share of the letters, in words made only of letters, that are in valid
    syllables; 1.0 when there are no such words (numbers and codes are not judged)."""
    judged = valid = 0
    for word in words:
        letters = word.strip(".,;:!?()[]\"'“”‘’-–")
        if not letters or not letters.isalpha():
            continue
        judged += len(letters)
        valid += len(letters) if is_syllable(letters) else 0
    return valid / judged if judged else 1.0
