"""``sohoa report``: the digitisation report on the command line, for scripts and cron."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .context import CLI, JsonOption, calling, commands
from .output import console, print_json

report_app = commands("Báo cáo (reports).")


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


@report_app.command("digitisation")
def digitisation(
    since: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="First day, included")],
    until: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day, included")],
    by: Annotated[str, typer.Option(help="month, agency, counter, comma-separated; "
                                    "empty: the total only")] = "month,agency",
    agency: Annotated[str | None, typer.Option(help="One agency's code")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write the CSV here")]
    = None,
    as_json: JsonOption = False,
) -> None:
    """Số hóa theo kỳ và nhóm chỉ số IV QĐ 766 (digitisation figures and group IV)."""
    from ..usecases import reports

    with calling(as_json) as services:
        report = reports.digitisation_report(
            services, since=since.date(), until=until.date(), by=reports.parse_grouping(by),
            agency=agency, viewer=CLI)
        names = reports.officer_names(services, report)
    if csv_out is not None:
        csv_out.write_bytes(reports.report_csv(report, names))
    if as_json:
        print_json(reports.report_json(report, names))
        return
    table = Table("Tháng", "Cơ quan", "Cán bộ", "Tiếp nhận", "Số hóa", "KQ điện tử",
                  "Dùng lại", "Trang/ngày", "Quét→ký (s)", "Nhóm IV")
    for row in (*report.rows, report.total):
        rates, group = row.rates, row.group_iv
        table.add_row(
            row.month or ("" if row is not report.total else "Cả kỳ"), row.agency or "",
            names.get(row.counter or "", row.counter or ""), str(row.counts["received"]),
            _rate(rates["digitisation_rate"]), _rate(rates["electronic_result_rate"]),
            _rate(rates["reuse_rate"]),
            "–" if rates["pages_per_day"] is None else f"{rates['pages_per_day']:.1f}",
            "–" if row.median_scan_to_signed_s is None else f"{row.median_scan_to_signed_s:.0f}",
            "–" if group.points is None else f"{group.points:.1f}/{group.max_points:g}")
    console.print(table)
    if report.indicators.example:
        console.print("[yellow]Công thức nhóm IV là VÍ DỤ (example formulas): đặt "
                      "SOHOA_REPORT_INDICATORS.[/]")
