"""The chip-based citizen ID card (thẻ căn cước công dân / thẻ căn cước).

The front of the card carries a QR with the holder's data, separated by
``|``: the 12-digit personal ID, the previous 9-digit ID (may be empty), the
full name, the date of birth (ddmmyyyy), the sex, the address and the date
of issue (ddmmyyyy). Reading the QR is exact where OCR of a small, patterned
card is not, so the QR is the primary source and OCR the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from PIL import Image

from .qr import read_qr
from .vntext import clean, collapse, fold

_ID = re.compile(r"^\d{12}$")
_OLD_ID = re.compile(r"^(\d{9})?$")


@dataclass(frozen=True)
class CitizenCard:
    """What the card says about its holder."""

    personal_id: str
    previous_id: str | None
    full_name: str
    birth_date: date | None
    sex: str | None
    address: str | None
    issue_date: date | None


def parse_card_qr(text: str) -> CitizenCard | None:
    """The card from its QR text, or None if the text is not a căn cước QR."""
    parts = [part.strip() for part in clean(text).split("|")]
    if len(parts) < 7 or not _ID.match(parts[0]) or not _OLD_ID.match(parts[1]):
        return None
    birth, issued = _ddmmyyyy(parts[3]), _ddmmyyyy(parts[6])
    if not parts[2] or birth is None:
        return None
    return CitizenCard(parts[0], parts[1] or None, collapse(parts[2]), birth, parts[4] or None,
                       collapse(parts[5]) or None, issued)


def find_card(image: Image.Image) -> CitizenCard | None:
    for text in read_qr(image):
        if (card := parse_card_qr(text)) is not None:
            return card
    return None


_LABELLED = {
    "personal_id": re.compile(r"(?:SO|NO)\W{0,6}(?:NO)?\W{0,3}[:.]?\s*(\d{12})\b"),
    "full_name": re.compile(r"(?:HO VA TEN|HO, CHU DEM VA TEN|FULL NAME)[^:]*:\s*(.+)$"),
    "birth_date": re.compile(r"(?:NGAY SINH|DATE OF BIRTH)[^:]*:\s*(\d{1,2}/\d{1,2}/\d{4})"),
    "sex": re.compile(r"(?:GIOI TINH|SEX)[^:]*:\s*(NAM|NU)\b"),
    "address": re.compile(r"(?:NOI THUONG TRU|PLACE OF RESIDENCE|NOI CU TRU)[^:]*:\s*(.+)$"),
}


def card_from_text(text: str) -> CitizenCard | None:
    """OCR fallback: the labelled lines of the card front ("Số / No.: …", "Họ và tên …")."""
    found: dict[str, str] = {}
    for line in clean(text).splitlines():
        folded = fold(line)
        for name, pattern in _LABELLED.items():
            if name not in found and (match := pattern.search(folded)) is not None:
                found[name] = collapse(line[match.start(1):match.end(1)])
    if "personal_id" not in found or "full_name" not in found:
        return None
    birth = None
    if "birth_date" in found:
        day, month, year = (int(v) for v in found["birth_date"].split("/"))
        birth = _date(year, month, day)
    return CitizenCard(found["personal_id"], None, found["full_name"], birth,
                       found.get("sex"), found.get("address"), None)


def _ddmmyyyy(value: str) -> date | None:
    if not re.fullmatch(r"\d{8}", value):
        return None
    return _date(int(value[4:]), int(value[2:4]), int(value[:2]))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
