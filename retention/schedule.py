"""The retention schedule (bảng thời hạn bảo quản): how long each kind of dossier is kept.

The law gives no single table for TTHC dossiers (REGULATIONS 1.8, 5): values come
from sector schedules — civil-status dossiers are permanent, signature
certifications two years, most others unknown to us — so the schedule is data an
administrator supplies, in YAML or CSV, and the bundled one says it is an example.
Each rule maps procedure codes to a period (``permanent`` or N years) counted from
the day the dossier's work ended; the period's wording is the ``Maintenance``
value of NĐ 30/2020 App. VI (at most 30 characters, 9.D.34).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from kernel import DomainError

BUNDLED = Path(__file__).parent / "data" / "schedule.example.yaml"
#: NĐ 30/2020 App. VI, file-level field 3 (Maintenance): String(30).
MAINTENANCE_MAX = 30
#: The only trigger the law names for TTHC dossiers: the day the work ended (TT 13/2023).
WORK_END = "work_end"
#: Transfer to the agency archive within one year of the work's end (REGULATIONS 9.D.30).
TRANSFER_WITHIN_YEARS = 1
#: The notice before that deadline (REGULATIONS 9.D.30).
TRANSFER_NOTICE = timedelta(days=30)
DEFAULT_KEY = "*"


class ScheduleError(DomainError):
    """The schedule file cannot be used; the message names the file, the rule and why."""

    code = "invalid_retention_schedule"
    http_status = 500


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February lands on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """A retention period: ``years`` None is permanent (vĩnh viễn)."""

    years: int | None

    @property
    def permanent(self) -> bool:
        return self.years is None

    @property
    def maintenance(self) -> str:
        """The App. VI ``Maintenance`` value, in the words archivists use."""
        return "Vĩnh viễn" if self.years is None else f"{self.years} năm"

    def disposal_from(self, work_ended: date) -> date | None:
        """The first day the dossier may be proposed for destruction; None when permanent."""
        return None if self.years is None else add_years(work_ended, self.years)


@dataclass(frozen=True)
class RetentionRule:
    """One row of the schedule: a category of dossiers and how long they are kept."""

    category: str
    procedures: frozenset[str]
    retention: Retention
    #: Where the value comes from (a legal reference), or that it is an example.
    basis: str
    trigger: str = WORK_END

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "procedures": sorted(self.procedures),
                "retention": "permanent" if self.retention.permanent else self.retention.years,
                "maintenance": self.retention.maintenance, "trigger": self.trigger,
                "basis": self.basis}


def transfer_due(work_ended: date) -> date:
    """The last day to hand the dossier to the agency archive (nộp lưu, 9.D.30)."""
    return add_years(work_ended, TRANSFER_WITHIN_YEARS)


def transfer_notice_from(work_ended: date) -> date:
    """From this day the dossier is listed as due soon (30 days before the deadline)."""
    return transfer_due(work_ended) - TRANSFER_NOTICE


class RetentionSchedule:
    def __init__(self, rules: list[RetentionRule], default: RetentionRule, *,
                 source: str, example: bool = False) -> None:
        self.rules = rules
        self.default = default
        self.source = source
        #: The bundled schedule, or a YAML file saying ``example: true``.
        self.example = example
        self._by_procedure = {code: rule for rule in rules for code in rule.procedures}

    def for_procedure(self, code: str | None) -> RetentionRule:
        """The rule for a procedure code; the default rule for any other (or none)."""
        return self._by_procedure.get(code or "", self.default)

    @classmethod
    def load(cls, path: Path | None = None) -> RetentionSchedule:
        """Read a ``.yaml``/``.yml`` or ``.csv`` schedule; the bundled example by default.

        Everything is checked before anything is used: a bad file stops the start-up
        with a message naming the rule and the field."""
        source = path or BUNDLED
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScheduleError(f"{source}: không đọc được bảng thời hạn bảo quản "
                                f"(cannot read the retention schedule: {exc})") from None
        if source.suffix.lower() == ".csv":
            rows, example = _csv_rows(source, text), False
        elif source.suffix.lower() in (".yaml", ".yml"):
            rows, example = _yaml_rows(source, text)
        else:
            raise ScheduleError(f"{source}: dùng tệp .yaml hoặc .csv (use a .yaml or .csv file)")
        return cls._checked(source, rows, example=example or path is None)

    @classmethod
    def _checked(cls, source: Path, rows: Iterable[tuple[str, dict[str, Any]]], *,
                 example: bool) -> RetentionSchedule:
        rules: list[RetentionRule] = []
        default: RetentionRule | None = None
        seen: dict[str, str] = {}
        for where, row in rows:
            rule = _rule(f"{source}, {where}", row)
            if DEFAULT_KEY in rule.procedures:
                if default is not None:
                    raise ScheduleError(f"{source}, {where}: chỉ một quy tắc mặc định "
                                        "('*') (only one default rule)")
                default = rule
                continue
            for code in rule.procedures:
                if code in seen:
                    raise ScheduleError(f"{source}, {where}: thủ tục {code} đã có ở {seen[code]} "
                                        "(a procedure may be in one rule only)")
                seen[code] = where
            rules.append(rule)
        if default is None:
            raise ScheduleError(f"{source}: thiếu quy tắc mặc định với procedures '*' (a "
                                "default rule is needed for procedures the schedule does "
                                "not name)")
        return cls(rules, default, source=str(source), example=example)


def _rule(where: str, row: dict[str, Any]) -> RetentionRule:
    category = str(row.get("category") or "").strip()
    if not category:
        raise ScheduleError(f"{where}: thiếu category (the category is missing)")
    procedures = row.get("procedures")
    codes = procedures.split() if isinstance(procedures, str) else procedures
    if not isinstance(codes, list) or not codes or not all(
            isinstance(c, str) and c.strip() for c in codes):
        raise ScheduleError(f"{where}: procedures phải là danh sách mã thủ tục, hoặc '*' "
                            "(procedures: a list of procedure codes, or '*')")
    trigger = str(row.get("trigger") or WORK_END)
    if trigger != WORK_END:
        raise ScheduleError(f"{where}: trigger {trigger!r} không được hỗ trợ; chỉ {WORK_END} "
                            "(ngày công việc kết thúc)")
    retention = _retention(where, row.get("retention"))
    basis = str(row.get("basis") or "").strip()
    if not basis:
        raise ScheduleError(f"{where}: thiếu basis: căn cứ pháp lý, hoặc ghi rõ là ví dụ "
                            "(the legal basis, or say it is an example)")
    return RetentionRule(category, frozenset(c.strip() for c in codes), retention, basis,
                         trigger)


def _retention(where: str, value: Any) -> Retention:
    if isinstance(value, str) and value.strip().lower() in ("permanent", "vĩnh viễn"):
        return Retention(None)
    try:
        years = int(str(value).strip())
    except ValueError:
        years = 0
    if isinstance(value, bool) or not 1 <= years <= 200:
        raise ScheduleError(f"{where}: retention phải là 'permanent' hoặc số năm 1–200, "
                            f"không phải {value!r} (retention: 'permanent' or 1–200 years)")
    return Retention(years)


def _yaml_rows(source: Path, text: str) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{source}: YAML hỏng (invalid YAML: {exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise ScheduleError(f"{source}: cần khóa 'rules' là một danh sách (a 'rules' list "
                            "is needed)")
    rows = []
    for number, row in enumerate(document["rules"], start=1):
        if not isinstance(row, dict):
            raise ScheduleError(f"{source}, rule {number}: cần các trường category, "
                                "procedures, retention, basis")
        rows.append((f"rule {number}", row))
    return rows, bool(document.get("example"))


def _csv_rows(source: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    body = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.DictReader(body)
    wanted = {"category", "procedures", "retention", "basis"}
    if not reader.fieldnames or not wanted <= set(reader.fieldnames):
        raise ScheduleError(f"{source}: cần các cột {', '.join(sorted(wanted))} "
                            "(these columns are needed)")
    return [(f"row {number}", dict(row)) for number, row in enumerate(reader, start=1)]
