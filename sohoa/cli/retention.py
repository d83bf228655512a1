"""``sohoa retention``: the retention schedule an archive works to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .context import JsonOption, commands
from .output import console, fail, print_json

retention_app = commands("Thời hạn bảo quản (retention schedules).")


@retention_app.command("schedule")
def show_schedule(
    file: Annotated[Path | None, typer.Option(
        help="A schedule to check (YAML or CSV); default: SOHOA_RETENTION_FILE or the "
        "bundled example")] = None,
    as_json: JsonOption = False,
) -> None:
    """Kiểm tra và in bảng thời hạn bảo quản (check and print the retention schedule)."""
    from retention import RetentionSchedule, ScheduleError

    from ..settings import load_settings

    try:
        schedule = RetentionSchedule.load(file or load_settings().archive.retention_file)
    except ScheduleError as exc:
        fail(exc, as_json=as_json)
    rules = [*schedule.rules, schedule.default]
    if as_json:
        print_json({"source": schedule.source, "example": schedule.example,
                    "rules": [r.as_dict() for r in rules]})
        return
    if schedule.example:
        console.print("[bold yellow]BẢNG VÍ DỤ (an example schedule): đặt SOHOA_RETENTION_FILE "
                      "theo bảng của ngành trước khi nộp lưu.[/]")
    table = Table("Loại hồ sơ", "Thủ tục", "Thời hạn bảo quản", "Căn cứ")
    for rule in rules:
        table.add_row(rule.category, " ".join(sorted(rule.procedures)),
                      rule.retention.maintenance, rule.basis)
    console.print(table)
