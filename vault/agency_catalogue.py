"""A province's catalogue of agencies (danh mục cơ quan, đơn vị): read, checked, every
problem named by its row and field.

A province loads its tree — the province, its departments and communes, their units —
from a CSV or YAML file it keeps (``sohoa admin agency import``). Columns (CSV header
or YAML keys): ``code``, ``name``, ``parent`` (the code of the agency above),
``kind`` (province, department, commune, unit — or tỉnh, sở, xã, đơn vị),
``valid_from`` and ``valid_to`` (dd/mm/yyyy or yyyy-mm-dd), ``successor`` (for a unit
merged away, the code of the unit it became: the 2025 mergers). Nothing is stored
unless the whole file is right.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kernel import DomainError, clean_text

from .models import AgencyKind

COLUMNS = ("code", "name", "parent", "kind", "valid_from", "valid_to", "successor")
REQUIRED = ("code", "name", "kind")
#: Agency codes (mã định danh, QĐ 20/2020/QĐ-TTg) are dotted groups of letters and digits.
_CODE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+){1,5}$")
_KINDS = {**{k.value: k for k in AgencyKind},
          "tỉnh": AgencyKind.PROVINCE, "thành phố": AgencyKind.PROVINCE,
          "sở": AgencyKind.DEPARTMENT, "ban": AgencyKind.DEPARTMENT,
          "ngành": AgencyKind.DEPARTMENT, "xã": AgencyKind.COMMUNE,
          "phường": AgencyKind.COMMUNE, "đặc khu": AgencyKind.COMMUNE,
          "đơn vị": AgencyKind.UNIT, "phòng": AgencyKind.UNIT}


@dataclass(frozen=True)
class CatalogueProblem:
    """One thing wrong in the file: where (row, field) and what."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": f"dòng {self.row}, cột {self.field}", "row": self.row,
                "field": self.field, "message": self.message}


class AgencyCatalogueError(DomainError):
    """The catalogue file is not right; ``problems`` names each row and field."""

    code = "agency_catalogue_invalid"
    http_status = 422

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = problems
        shown = "; ".join(f"dòng {p.row}, cột {p.field}: {p.message}" for p in problems[:20])
        more = f" (và {len(problems) - 20} lỗi nữa)" if len(problems) > 20 else ""
        super().__init__(f"danh mục cơ quan có {len(problems)} lỗi (the agency catalogue is "
                         f"not valid): {shown}{more}")


@dataclass(frozen=True)
class AgencyEntry:
    """One agency as the catalogue states it."""

    row: int
    code: str
    name: str
    kind: AgencyKind
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successor: str | None


def read_catalogue(path: Path, known: Iterable[str] = ()) -> list[AgencyEntry]:
    """The entries of the CSV or YAML file at ``path``, checked against each other and
    against the codes already ``known`` (a parent or successor may be either)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AgencyCatalogueError([CatalogueProblem(0, "file", f"không đọc được {path.name}: "
                                                             f"{exc}")]) from None
    rows = _yaml_rows(text) if path.suffix.lower() in (".yaml", ".yml") else _csv_rows(text)
    return check_rows(rows, known)


def check_rows(rows: list[tuple[int, Mapping[str, Any]]],
               known: Iterable[str] = ()) -> list[AgencyEntry]:
    """Entries from raw rows (row number, values), or every problem at once."""
    problems: list[CatalogueProblem] = []
    entries: list[AgencyEntry] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        entry = _entry(number, raw, problems)
        if entry is None:
            continue
        if entry.code in seen:
            problems.append(CatalogueProblem(number, "code", f"mã {entry.code} đã có ở dòng "
                                                             f"{seen[entry.code]}"))
            continue
        seen[entry.code] = number
        entries.append(entry)
    codes = set(seen) | set(known)
    for entry in entries:
        for field, other in (("parent", entry.parent), ("successor", entry.successor)):
            if other is not None and other not in codes:
                problems.append(CatalogueProblem(entry.row, field,
                                                 f"không có cơ quan mã {other}"))
    problems.extend(_cycles(entries))
    if problems:
        raise AgencyCatalogueError(sorted(problems, key=lambda p: (p.row, p.field)))
    return entries


def _entry(number: int, raw: Mapping[str, Any],
           problems: list[CatalogueProblem]) -> AgencyEntry | None:
    values = {str(k).strip().lower(): _text(v) for k, v in raw.items() if k is not None}
    before = len(problems)
    for unknown in sorted(set(values) - set(COLUMNS)):
        problems.append(CatalogueProblem(number, unknown, "cột không có trong danh mục "
                                                          f"(dùng {', '.join(COLUMNS)})"))
    for field in REQUIRED:
        if not values.get(field):
            problems.append(CatalogueProblem(number, field, "bắt buộc, đang để trống"))
    code, kind = values.get("code"), _KINDS.get((values.get("kind") or "").lower())
    if code and not _CODE.match(code):
        problems.append(CatalogueProblem(number, "code", f"mã {code!r} không đúng dạng "
                                                         "(vd. 000.00.31.H50)"))
    if values.get("kind") and kind is None:
        problems.append(CatalogueProblem(number, "kind", f"loại {values['kind']!r} không rõ: "
                                                         "tỉnh, sở, xã hoặc đơn vị"))
    if len(values.get("name") or "") > 255:
        problems.append(CatalogueProblem(number, "name", "dài quá 255 ký tự"))
    valid_from = _day(number, "valid_from", values.get("valid_from"), problems)
    valid_to = _day(number, "valid_to", values.get("valid_to"), problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(CatalogueProblem(number, "valid_to", "trước ngày có hiệu lực"))
    if values.get("successor") and not valid_to:
        problems.append(CatalogueProblem(number, "successor", "đơn vị đã sáp nhập cần ngày "
                                                              "hết hiệu lực (valid_to)"))
    if values.get("parent") and values.get("parent") == code:
        problems.append(CatalogueProblem(number, "parent", "một cơ quan không trực thuộc "
                                                           "chính nó"))
    if kind is AgencyKind.PROVINCE and values.get("parent"):
        problems.append(CatalogueProblem(number, "parent", "cấp tỉnh không trực thuộc cơ quan "
                                                           "nào"))
    if len(problems) > before or not code or kind is None:
        return None
    return AgencyEntry(number, code, values["name"] or "", kind, values.get("parent") or None,
                       valid_from, valid_to, values.get("successor") or None)


def _cycles(entries: list[AgencyEntry]) -> list[CatalogueProblem]:
    """Rows whose chain of parents comes back to themselves."""
    parent = {e.code: e.parent for e in entries}
    found = []
    for entry in entries:
        seen, current = {entry.code}, entry.parent
        while current is not None and current in parent:
            if current in seen:
                found.append(CatalogueProblem(entry.row, "parent", "cây cơ quan có vòng lặp "
                                                                   f"qua {current}"))
                break
            seen.add(current)
            current = parent[current]
    return found


def _day(number: int, field: str, text: str | None,
         problems: list[CatalogueProblem]) -> date | None:
    if not text:
        return None
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    problems.append(CatalogueProblem(number, field, f"ngày {text!r} không đúng dạng dd/mm/yyyy"))
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(str(value)) or None


def _csv_rows(text: str) -> list[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    return [(number, row) for number, row in enumerate(reader, start=2)]


def _yaml_rows(text: str) -> list[tuple[int, Mapping[str, Any]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AgencyCatalogueError([CatalogueProblem(0, "file", f"YAML không đọc được: "
                                                             f"{exc}")]) from None
    items = data.get("agencies") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise AgencyCatalogueError([CatalogueProblem(0, "file", "cần một danh sách cơ quan "
                                                             "(agencies: [...])")])
    return [(number, item) for number, item in enumerate(items, start=1)]
