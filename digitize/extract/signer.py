"""The signer's position and name from the signature block (thể thức ký, NĐ 30/2020 Art. 8–9).

The block reads, top to bottom: an authority marker ("TM. ỦY BAN NHÂN DÂN",
"KT. CHỦ TỊCH"), the position in capitals ("PHÓ CHỦ TỊCH"), room for the
signature and seal, then the name in ordinary case ("Hồ Quang Bửu"). The
position is the capitals line nearest above the name.
"""

from __future__ import annotations

import re

from ..vntext import collapse, fold, is_upper_line
from .header import Found

_AUTHORITY = re.compile(r"^\W*(TM|KT|TL|TUQ|Q)\s*\.\s*")
POSITIONS = (
    "CHU TICH", "PHO CHU TICH", "GIAM DOC", "PHO GIAM DOC", "TONG GIAM DOC", "PHO TONG GIAM DOC",
    "TRUONG", "PHO TRUONG", "BO TRUONG", "THU TRUONG", "CHANH", "PHO CHANH", "CUC TRUONG",
    "PHO CUC TRUONG", "VU TRUONG", "PHO VU TRUONG", "VIEN TRUONG", "HIEU TRUONG", "CHU NHIEM",
    "PHO CHU NHIEM", "THU KY", "KE TOAN TRUONG", "GIAM DOC SO", "CONG CHUC", "CAN BO",
    "NGUOI KY", "NGUOI DAI DIEN", "CHU TICH UBND", "BI THU", "PHO BI THU",
)
#: How far below the position the name may sit (signature and seal between them).
NAME_WITHIN_LINES = 4
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")


def signer(lines: list[str]) -> tuple[Found, Found] | None:
    """(position, name) of the last signature block in the document, if one is found."""
    best: tuple[Found, Found] | None = None
    for index, line in enumerate(lines):
        position = _position(line)
        if position is None:
            continue
        for below in lines[index + 1: index + 1 + NAME_WITHIN_LINES]:
            if _position(below) is not None or _AUTHORITY.match(fold(below)):
                break  # another position line: the name belongs to that one
            if _is_name(below):
                best = (Found(position, 0.9), Found(collapse(below), 0.9))
                break
    return best


def _position(line: str) -> str | None:
    if not is_upper_line(line):
        return None
    folded = fold(line)
    authority = _AUTHORITY.match(folded)
    start = authority.end() if authority else 0
    words = folded[start:].strip()
    if any(words == p or words.startswith(p + " ") for p in POSITIONS) and not authority:
        return collapse(line[start:])
    return None


def _is_name(line: str) -> bool:
    """A Vietnamese full name: 2–6 capitalised words of letters only, not all capitals."""
    words = collapse(line).split(" ")
    if not 2 <= len(words) <= 6 or is_upper_line(line):
        return False
    return all(_NAME_WORD.match(w) and w[0].isupper() and w[1:].islower() for w in words
               if len(w) > 1) and all(w[0].isupper() for w in words)
