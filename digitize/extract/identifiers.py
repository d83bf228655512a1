"""Personal IDs (số định danh cá nhân) and tax codes (mã số thuế) written in a document.

Twelve digits alone are weak evidence (a bank account, a phone number with a
prefix), so each candidate must pass the identifier rules the caller supplies
(the vault owns them) and gains confidence from a label on its line. A ten-digit
number is taken for a tax code only with a label, since Vietnamese mobile
numbers have ten digits too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..vntext import fold
from .header import Found

IdCheck = Callable[[str], bool]

_PERSONAL = re.compile(r"(?<![\d-])(\d{12})(?![\d-])")
_TAX = re.compile(r"(?<![\d-])(\d{10}(?:-\d{3})?)(?![\d-])")
_ID_LABEL = re.compile(r"CCCD|CAN CUOC|DINH DANH|CMND|CHUNG MINH|IDENTITY|PERSONAL|\bSO\s*/\s*NO\b")
_TAX_LABEL = re.compile(r"MA SO THUE|\bMST\b|MA SO DOANH NGHIEP|TAX")


def _shape_only(value: str) -> bool:
    return True


def personal_ids(lines: list[str], check: IdCheck | None = None) -> list[tuple[int, Found]]:
    """(line index, ID) for each valid 12-digit personal ID, labelled ones more certain."""
    ok = check or _shape_only
    found = []
    for index, line in enumerate(lines):
        labelled = _labelled(lines, index, _ID_LABEL)
        for match in _PERSONAL.finditer(line):
            if ok(match.group(1)):
                found.append((index, Found(match.group(1), 0.95 if labelled else 0.7)))
    return found


def tax_codes(lines: list[str], check: IdCheck | None = None) -> list[tuple[int, Found]]:
    """(line index, code) for each labelled 10- or 13-digit tax code."""
    ok = check or _shape_only
    found = []
    for index, line in enumerate(lines):
        if not _labelled(lines, index, _TAX_LABEL):
            continue
        for match in _TAX.finditer(line):
            if ok(match.group(1)):
                found.append((index, Found(match.group(1), 0.93)))
    return found


def _labelled(lines: list[str], index: int, label: re.Pattern[str]) -> bool:
    """The label is on the line, or alone on the line above (a form's caption)."""
    if label.search(fold(lines[index])):
        return True
    return index > 0 and bool(label.search(fold(lines[index - 1]))) and not re.search(
        r"\d{6}", lines[index - 1])
