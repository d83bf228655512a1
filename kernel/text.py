"""Text from people as it is stored: NFC, and no character that hides or reorders text.

A name or a note typed at a counter, sent by an API client or taken from an upload's
file name may carry control characters (a CR/LF that splits a header or a log line),
direction overrides (U+202E shows ``gnp.exe`` as ``exe.png``), zero-width characters
that make two equal names differ, or Vietnamese in decomposed form (NFD, as macOS
writes file names), which compares unequal to the same word typed on Windows. Every
text column and sealed field is cleaned on assignment (`kernel.tables`), so whatever
path a value comes by, it is stored one way; a column's length is kept the same way.
"""

from __future__ import annotations

import unicodedata

#: Control, format (bidi overrides, zero-width, soft hyphen) and surrogate characters.
_INVISIBLE = {"Cc", "Cf", "Cs"}
_BREAKS = {"Zl", "Zp"}  # U+2028, U+2029


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` in NFC without invisible characters; line breaks kept (as ``\\n``) only
    in ``multiline`` text, else turned into spaces. Plain ASCII comes back as it was."""
    if value.isascii() and value.isprintable():
        return value
    kept: list[str] = []
    for ch in unicodedata.normalize("NFC", value.replace("\r\n", "\n")):
        if ch in "\n\r\t" or unicodedata.category(ch) in _BREAKS:
            kept.append("\n" if multiline and ch != "\t" else " ")
        elif unicodedata.category(ch) not in _INVISIBLE:
            kept.append(ch)
    cleaned = "".join(kept)
    return cleaned if multiline else cleaned.strip()


def cut(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, never inside a letter and its marks
    (NFC keeps Vietnamese letters whole; a cut after a combining mark's base would
    leave the mark alone at the start of nothing)."""
    if len(value) <= limit:
        return value
    end = limit
    while end > 0 and unicodedata.combining(value[end]):
        end -= 1
    return value[:end].rstrip()
