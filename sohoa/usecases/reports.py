"""The digitisation report as the API, the screens and the CLI serve it: JSON and CSV.

The counting is ``vault.statistics``; here the period is bounded by the settings,
officers' account names get their display names, and the report is written out.
CSV opens in a spreadsheet as it is: UTF-8 with a byte-order mark, so Excel shows
Vietnamese names instead of mojibake, and rates as fractions (0.875), so a
column can be formatted as percent.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from kernel import Viewer
from vault import DigitisationReport, InvalidRecordValue, ReportQuery, ReportRow

from .needs import Reporting

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def parse_grouping(text: str | None) -> tuple[str, ...]:
    """``month,agency`` → ``("month", "agency")``; empty means one total line."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def digitisation_report(services: Reporting, *, since: date, until: date, by: tuple[str, ...],
                        agency: str | None, viewer: Viewer) -> DigitisationReport:
    query = ReportQuery(since, until, by, agency or None)
    longest = services.settings.reports.max_days
    if query.days > longest:
        raise InvalidRecordValue(f"một báo cáo tối đa {longest} ngày, kỳ này {query.days} ngày "
                                 f"(a report covers at most {longest} days)")
    return services.vault.statistics.digitisation_report(query, services.indicators, viewer=viewer)


def officer_names(services: Reporting, report: DigitisationReport) -> dict[str, str]:
    """Display names of the officers the report's rows name (staff accounts only)."""
    return services.accounts.staff_names({row.counter for row in report.rows if row.counter})


def report_json(report: DigitisationReport, names: dict[str, str]) -> dict[str, Any]:
    body = report.as_dict()
    for row in body["rows"]:
        row["counter_name"] = names.get(row["counter"] or "")
    return body


def report_csv(report: DigitisationReport, names: dict[str, str]) -> bytes:
    """One line per row and a last line ``total``; the group's indicators as columns."""
    codes = [i.code for i in report.indicators.indicators]
    rows = [("row", r) for r in report.rows] + [("total", report.total)]
    first = report.total.as_dict()
    measures = [k for k in first if k not in ("month", "agency", "agency_name", "counter",
                                              "group_iv")]
    header = (["line", "month", "agency", "agency_name", "counter", "counter_name", *measures,
               "group_iv_points", "group_iv_max", "group_iv_percent", "group_iv_band"]
              + [f"{code} {what}" for code in codes for what in ("rate", "points")])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for line, row in rows:
        writer.writerow(_csv_line(line, row, names, measures))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_line(line: str, row: ReportRow, names: dict[str, str],
              measures: list[str]) -> list[Any]:
    data = row.as_dict()
    group = data["group_iv"]
    return ([line, row.month or "", row.agency or "", row.agency_name or "", row.counter or "",
             names.get(row.counter or "", "")]
            + [_cell(data[m]) for m in measures]
            + [_cell(group[k]) for k in ("points", "max", "percent", "band")]
            + [_cell(i[k]) for i in group["indicators"] for k in ("rate", "points")])


def _cell(value: Any) -> Any:
    return "" if value is None else value


def csv_filename(report: DigitisationReport) -> str:
    scope = report.query.agency or "tat-ca"
    return f"bao-cao-so-hoa_{scope}_{report.query.since:%Y%m%d}-{report.query.until:%Y%m%d}.csv"
