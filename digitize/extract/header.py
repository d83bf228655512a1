"""The national header of page 1 (NĐ 30/2020 Appendix I): issuing body, number and symbol, date.

The header reads, in our reading order, left column first::

    ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    TỈNH QUẢNG NAM             Độc lập - Tự do - Hạnh phúc
    Số: 95/2024/QĐ-UBND        Quảng Nam, ngày 18 tháng 11 năm 2024

so the issuing body (cơ quan ban hành) is the capitals above ``Số:``, the
number and symbol (số, ký hiệu) follow ``Số:``, and the issue date is the
"<place>, ngày … tháng … năm …" line. The header zone ends where the body
starts ("Căn cứ", "Điều 1", "Kính gửi"), so dates and numbers cited in the
body are never taken for the document's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..vntext import collapse, fold, is_upper_line
from .catalogue import DocType, DocTypeCatalogue

#: How many lines of page 1 can hold the header and title when no body marker is seen.
HEADER_MAX_LINES = 18

_BODY_START = re.compile(r"^\W*(CAN CU\b|DIEU 1\b|KINH GUI|XET DE NGHI|THEO DE NGHI)")
_NATIONAL = re.compile(r"CONG HOA XA HOI|DOC LAP\W+TU DO")
_NUMBER_LINE = re.compile(r"^\W{0,3}S[O06]\s*[:.;]\s*")
_SYMBOL = re.compile(
    r"^(?P<number>\d{0,6})\s*/\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?"
    r"(?P<kind>[A-Za-zĐđ][A-Za-zĐđ0-9]*(?:\s*-\s*[A-Za-zĐđ][A-Za-zĐđ0-9]*)*)"
)
_PLACE_DATE = re.compile(
    r"(?P<lead>,|^)\s*NGAY\s+(?P<d>[0-9OIL]{1,2})\s+THANG\s+(?P<m>[0-9OIL]{1,2})\s+NAM\s+"
    r"(?P<y>[0-9OIL]{4})"
)
_DATE_LINE = re.compile(r",\s*NGAY\b.*\bNAM\b")  # also when day and month are left blank
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

#: First words of an agency's name: a line starting with one begins a new body
#: (the parent agency sits on the line above, e.g. "UBND TỈNH X" over "SỞ TƯ PHÁP").
AGENCY_HEADS = (
    "UY BAN", "UBND", "HOI DONG", "SO ", "BO ", "CUC ", "TONG CUC", "VU ", "VIEN ", "TOA AN",
    "CONG AN", "PHONG ", "BAN ", "TRUNG TAM", "TRUONG ", "BENH VIEN", "CHI CUC", "VAN PHONG",
    "THANH TRA", "KHO BAC", "BO PHAN", "DANG UY", "CONG TY", "NGAN HANG", "BAO HIEM", "DOAN ",
    "LIEN DOAN", "MAT TRAN", "HOI ", "CHI NHANH", "DOI ", "TONG CONG TY",
)


@dataclass(frozen=True)
class Found:
    """A value and how strongly its surroundings say it is the field (before OCR confidence)."""

    value: str
    certainty: float


def header_zone(lines: list[str]) -> list[str]:
    """The lines of page 1 above the body."""
    zone = []
    for line in lines[:HEADER_MAX_LINES]:
        if _BODY_START.match(fold(line)):
            break
        zone.append(line)
    return zone


def has_header(zone: list[str]) -> bool:
    """The zone holds a national header: the motto or a "Số:" line (not a page of body text)."""
    return any(_NATIONAL.search(fold(line)) or _NUMBER_LINE.match(fold(line)) for line in zone)


def number_symbol(zone: list[str], catalogue: DocTypeCatalogue) -> Found | None:
    """``95/2024/QĐ-UBND`` from "Số: 95/2024/QĐ-UBND"; an unnumbered draft gives ``/2024/QĐ-UBND``."""
    for line in zone:
        head = _NUMBER_LINE.match(fold(line))
        if head is None:
            continue
        match = _SYMBOL.match(line[head.end():])
        if match is None:
            continue
        value = re.sub(r"\s+", "", match.group(0))
        certainty = 0.9
        if match.group("year") and catalogue.by_symbol(value) is not None:
            certainty = 0.97
        if not match.group("number"):
            certainty -= 0.1  # a number left blank for the clerk: the paper is a draft
        return Found(value, certainty)
    return None


def issue_date(lines: list[str], *, in_header: bool) -> Found | None:
    """The date of "<place>, ngày 18 tháng 11 năm 2024"; blank day or month gives nothing."""
    for line in lines:
        match = _PLACE_DATE.search(fold(line))
        if match is None or (not match.group("lead") and not in_header):
            continue
        day, month, year = (int(match.group(k).translate(_DIGIT_LOOKALIKES)) for k in "dmy")
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        certainty = 0.97 if in_header and match.group("lead") else 0.8
        return Found(found.isoformat(), certainty)
    return None


def issuing_body(zone: list[str], page_lines: list[str]) -> Found | None:
    """The agency named above "Số:", cross-checked with the authority line of the preamble."""
    caps: list[str] = []
    above_number = False
    for line in zone:
        folded = fold(line)
        if _NUMBER_LINE.match(folded):
            above_number = True
            break
        national = _NATIONAL.search(folded)
        if national is not None:
            line = line[: national.start()]
            if caps and not line.strip():
                break
        if is_upper_line(line):
            caps.append(collapse(line))
        elif caps:
            break
    if caps and not fold(caps[0]).startswith(AGENCY_HEADS):
        caps = []  # capitals that name no agency: a heading, not the issuing body
    body = _last_agency(caps) if caps else None
    authority = _authority_line(page_lines)
    if body is None:
        return Found(authority, 0.75) if authority else None
    if authority and _same(authority, body):
        return Found(authority, 0.97)
    # Capitals right above "Số:" are the issuing body by the form of NĐ 30/2020.
    return Found(body, 0.92 if above_number else 0.85)


def doc_type(zone: list[str], symbol: str | None, catalogue: DocTypeCatalogue) -> Found | None:
    """The type from the printed title, else from the symbol's abbreviation (QĐ → quyết định)."""
    titled: DocType | None = None
    for line in zone:
        if is_upper_line(line) and (titled := catalogue.by_title(line)) is not None:
            break
    by_symbol = catalogue.by_symbol(symbol) if symbol else None
    if titled and by_symbol:
        return Found(titled.code, 0.98 if titled == by_symbol else 0.8)
    if titled:
        return Found(titled.code, 0.93)
    if by_symbol:
        return Found(by_symbol.code, 0.9)
    return None


def summary(zone: list[str], catalogue: DocTypeCatalogue) -> Found | None:
    """The trích yếu: the lines under the header and the type title, above the body."""
    last_header = -1
    for index, line in enumerate(zone):
        folded = fold(line)
        if _NATIONAL.search(folded) or _NUMBER_LINE.match(folded) or _DATE_LINE.search(folded):
            last_header = index
    rest = [collapse(line) for line in zone[last_header + 1:]]
    if rest and is_upper_line(rest[-1]) and fold(rest[-1]).startswith(AGENCY_HEADS):
        rest = rest[:-1]  # the enacting authority above "Căn cứ" is not the subject
    titled = False
    if rest and is_upper_line(rest[0]) and (title := catalogue.by_title(rest[0])) is not None:
        titled = fold(rest[0]).strip() in _titles(title)
        rest = rest[1:] if titled else rest
    text = " ".join(line for line in rest if line).strip(" :")
    if not text or last_header < 0:
        return None
    if fold(text).startswith("V/V "):
        text = "Về việc " + text[4:]
    # Under a type title, or opening with "Về việc", the line is the trích yếu by form.
    certainty = 0.92 if titled or fold(text).startswith("VE VIEC") else 0.8
    return Found(text[:500], certainty)


def _titles(doc_type: DocType) -> set[str]:
    return {fold(title) for title in doc_type.titles}


def _last_agency(caps: list[str]) -> str:
    """Join wrapped lines of one name; keep the last agency when a parent sits above it."""
    groups: list[list[str]] = []
    for line in caps:
        if not groups or fold(line).startswith(AGENCY_HEADS):
            groups.append([line])
        else:
            groups[-1].append(line)
    return " ".join(groups[-1])


def _authority_line(lines: list[str]) -> str | None:
    """The capitals right above the first "Căn cứ": the enacting authority of a decision."""
    for index, line in enumerate(lines):
        if re.match(r"\W*CAN CU\b", fold(line)):
            above = lines[index - 1] if index else ""
            if is_upper_line(above) and fold(above).startswith(AGENCY_HEADS):
                return collapse(above)
            return None
    return None


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", fold(a)) == re.sub(r"\W+", "", fold(b))
