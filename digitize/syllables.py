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
    "(?P<initial>" + "|".join(_INITIALS) + ")?"
    "(?P<nucleus>" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
    "(?P<final>" + "|".join(_FINALS) + ")?")
#: Vowels with a shape of their own: in a nucleus, the tone sits on one of them.
_SHAPED = "ăâêôơư"
#: Open nuclei whose tone may sit on either vowel, as old and new spelling differ
#: ("hòa"/"hoà", "thúy"/"thuý"); elsewhere one place is right.
_EITHER = {"oa", "oe", "uy"}
#: Characters that never occur in Vietnamese but that OCR reads for ones that do.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "ǎ": "ă", "Ǎ": "Ă"})


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


#: Punctuation a word read may carry around its letters.
_PUNCTUATION = ".,;:!?()[]\"'“”‘’-–"


def judged_letters(word: str) -> str | None:
    """The letters of a word that syllable validity judges: the word without its
    punctuation, if it is made only of letters; None for numbers, codes and marks."""
    letters = word.strip(_PUNCTUATION)
    return letters if letters and letters.isalpha() else None


def passes(word: str) -> bool:
    """Whether a word read is a valid syllable, or one that is not judged."""
    letters = judged_letters(word)
    return letters is None or is_syllable(letters)


def valid_share(words: list[str]) -> float:
    """The share of the letters, in words made only of letters, that are in valid
    syllables; 1.0 when there are no such words (numbers and codes are not judged)."""
    judged = valid = 0
    for word in words:
        if (letters := judged_letters(word)) is None:
            continue
        judged += len(letters)
        valid += len(letters) if is_syllable(letters) else 0
    return valid / judged if judged else 1.0


def _tone_places(nucleus: str, closed: bool) -> set[int]:
    """Where, in `nucleus` (toneless, lower case), a tone mark may sit."""
    shaped = [i for i, ch in enumerate(nucleus) if ch in _SHAPED]
    if shaped:
        return {shaped[-1]}  # ươ: on ơ
    if len(nucleus) == 1:
        return {0}
    if len(nucleus) == 3 or closed:
        return {1} if len(nucleus) == 3 else {len(nucleus) - 1}
    return {0, 1} if nucleus in _EITHER else {0}


def _place_tone(word: str) -> str:
    """`word` with a tone mark that sits where no spelling puts it ("hoạ" is fine,
    "tiêń" or "nguòi" are not) moved to its place; any other word unchanged."""
    bare, tones = toneless(word)
    match = _SYLLABLE.fullmatch(bare)
    if tones != 1 or match is None:
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tone = next(ch for ch in decomposed if ch in _TONES)
    letters = [unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))]
    # The letter the tone is on, counted in the toneless NFC word.
    base = unicodedata.normalize("NFC", decomposed[:decomposed.index(tone)])
    at = len(base) - 1
    start = match.start("nucleus")
    nucleus = match.group("nucleus")
    places = {start + i for i in _tone_places(nucleus, bool(match.group("final")))}
    if at in places:
        return word
    target = min(places)
    plain = letters[0]
    moved = plain[:target + 1] + tone + plain[target + 1:]
    return unicodedata.normalize("NFC", moved)


def normalise_word(word: str) -> str:
    """A word as OCR read it, in Unicode NFC, with characters that Vietnamese never
    uses but OCR confuses with its own ("Ð" for "Đ") replaced, and a tone mark that sits
    where no spelling puts it moved to its place. A word that is not a possible
    syllable once so mended is returned as it was: names and numbers are never
    "corrected" into other words."""
    nfc = unicodedata.normalize("NFC", word)
    mended = nfc.translate(_LOOKALIKES)
    core = mended.strip(".,;:!?()[]\"'“”‘’-–")
    if not core.isalpha():
        return mended if nfc != mended and not any(ch.isdigit() for ch in core) else nfc
    lead = mended.index(core)
    placed = _place_tone(core)
    if not is_syllable(placed):
        return nfc
    return mended[:lead] + placed + mended[lead + len(core):]
