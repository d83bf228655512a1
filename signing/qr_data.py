"""What the QR codes on issued documents say, and how they are drawn.

Two data sets:

- ``PublicationData``: the data TT 01/2023 asks in the QR of every document the
  information system issues (REGULATIONS 9.A.14, §2.10): dossier code, procedure
  (TTHC) code, the owner's identifier, the document's name, the system's name,
  the publication time and, for results, validity and scope; we add the look-up
  URL so a phone takes the reader straight to the status page;
- ``ConversionData``: the conversion mark of a paper → electronic copy with its
  time and converting agency (NĐ 137/2024 Art. 4, REGULATIONS 9.E.38), and the URL.

The text is one ``Nhãn: giá trị`` line per field, with the Vietnamese labels
of the texts: a phone's reader shows it as it is and offers the URL, and a
program splits each line at its first ``": "``. No format is prescribed; this
one serves both kinds of reader.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import ClassVar

import segno
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.layout import BoxConstraints

from .clock import iso_vietnam_time

SEPARATOR = ": "


class _Labelled:
    """A frozen dataclass written as labelled lines; empty optional fields are left out."""

    LABELS: ClassVar[dict[str, str]]

    def lines(self) -> list[tuple[str, str]]:
        pairs = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                value = iso_vietnam_time(value)
            elif isinstance(value, date):
                value = value.isoformat()
            pairs.append((self.LABELS[f.name], " ".join(str(value).split())))
        return pairs

    def text(self) -> str:
        return "\n".join(f"{label}{SEPARATOR}{value}" for label, value in self.lines())


def parse_labelled(text: str) -> dict[str, str]:
    """``{label: value}`` of a QR's text; lines without a label are ignored."""
    found = {}
    for line in text.splitlines():
        label, sep, value = line.partition(SEPARATOR)
        if sep:
            found[label.strip()] = value.strip()
    return found


@dataclass(frozen=True)
class PublicationData(_Labelled):
    """The TT 01/2023 data set of a document issued from the system (9.A.14)."""

    dossier_code: str | None
    procedure_code: str | None
    owner_id: str
    document_name: str
    system_name: str
    published_at: datetime
    #: Ngày hẹn trả kết quả: on receipts only.
    appointment_on: date | None = None
    valid_until: date | None = None
    validity_scope: str | None = None
    lookup_url: str | None = None

    LABELS: ClassVar[dict[str, str]] = {
        "dossier_code": "Mã hồ sơ", "procedure_code": "Mã TTHC",
        "owner_id": "Mã định danh", "document_name": "Tên giấy tờ",
        "system_name": "Hệ thống", "published_at": "Thời gian xuất bản",
        "appointment_on": "Ngày hẹn trả kết quả",
        "valid_until": "Thời hạn hiệu lực", "validity_scope": "Phạm vi hiệu lực",
        "lookup_url": "Tra cứu",
    }


@dataclass(frozen=True)
class ConversionData(_Labelled):
    """The conversion mark of a paper → electronic copy, with its time and agency (9.E.38)."""

    mark: str
    converted_at: datetime
    agency: str
    lookup_url: str | None = None

    LABELS: ClassVar[dict[str, str]] = {
        "mark": "Ký hiệu", "converted_at": "Thời gian chuyển đổi",
        "agency": "Cơ quan chuyển đổi", "lookup_url": "Tra cứu",
    }


def qr_modules(text: str) -> list[list[bool]]:
    """The dark modules of a QR (ISO/IEC 18004) of ``text``, without the quiet zone.

    UTF-8 with an ECI header when the text is not ASCII, so readers do not guess
    the encoding of Vietnamese letters; medium error correction, which survives
    a crease or a stain on paper.
    """
    code = segno.make(text, error="m", encoding="utf-8", eci=not text.isascii(), micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix]


def dark_runs(modules: list[list[bool]]) -> list[tuple[int, int, int]]:
    """``(row, first column, length)`` of each horizontal run of dark modules: a QR drawn
    as one rectangle per run is a small fraction of one drawn per module."""
    runs = []
    for y, row in enumerate(modules):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return runs


def qr_pdf_content(text: str) -> RawContent:
    """The QR as vector PDF content, one unit per module, for a pyHanko stamp: crisp at any
    zoom and on any printer."""
    modules = qr_modules(text)
    size = len(modules)
    ops = [b"0 g"]
    ops += [b"%d %d %d 1 re" % (x, size - 1 - y, length) for y, x, length in dark_runs(modules)]
    ops.append(b"f")
    return RawContent(b"\n".join(ops), box=BoxConstraints(size, size))
