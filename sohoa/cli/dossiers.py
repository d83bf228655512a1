"""``sohoa dossier …``: receiving a dossier, what it holds, its separator sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kernel import parse_owner_id

from .context import CLI, CLI_ACTOR, JsonOption, calling, commands
from .output import console, print_json

dossier_app = commands("Hồ sơ thủ tục hành chính (dossiers).")


@dossier_app.command("open")
def dossier_open(
    owner: Annotated[str, typer.Option(help="Personal ID or tax code of the applicant")],
    procedure: Annotated[str | None, typer.Option(help="Procedure name")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency code (default: from settings)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tiếp nhận hồ sơ mới và cấp mã hồ sơ (receive a dossier; prints its code)."""
    with calling(as_json) as services:
        code = services.vault.intake.open_dossier(
            agency or services.settings.agency.code, parse_owner_id(owner),
            procedure=procedure, actor=CLI_ACTOR,
        )
    if as_json:
        print_json({"dossier": code})
    else:
        typer.echo(code)


@dossier_app.command("show")
def dossier_show(code: Annotated[str, typer.Argument(help="Dossier code")],
                 as_json: JsonOption = False) -> None:
    """Xem hồ sơ: thành phần, quá trình xử lý, kết quả (components, history, results)."""
    with calling(as_json) as services:
        dossier = services.vault.casework.dossier(code, viewer=CLI)
    if as_json:
        print_json({"dossier": dossier.as_dict()})
        return
    console.print(f"[bold]{dossier.code}[/] — {dossier.procedure or '—'} — {dossier.status}",
                  highlight=False)
    table = Table("Thành phần", "Tài liệu", "Nguồn", "Lý do")
    for c in dossier.components:
        table.add_row(f"{c.code} {c.name}", c.document_id or "[red]thiếu[/]", c.source or "—",
                      c.reason or "")
    console.print(table)
    for event in dossier.history:
        console.print(f"{event.at:%Y-%m-%d %H:%M} {event.kind} {event.to_status or ''} "
                      f"{event.reason_code or ''} {event.text or ''}", highlight=False)


@dossier_app.command("check")
def dossier_check(as_json: JsonOption = False) -> None:
    """Hồ sơ đã có kết quả mà kết quả không nằm trong Kho của người nộp (exit 1 if any)."""
    with calling(as_json) as services:
        missing = services.vault.casework.results_missing()
    if as_json:
        print_json({"missing_results": missing})
    elif missing:
        console.print("[red]Thiếu kết quả trong Kho:[/] " + ", ".join(missing), highlight=False)
    else:
        console.print("Mọi hồ sơ đã có kết quả đều có kết quả trong Kho.", highlight=False)
    if missing:
        raise typer.Exit(1)


@dossier_app.command("separator")
def dossier_separator(
    dossier: Annotated[str, typer.Argument(help="Dossier code")],
    owner: Annotated[str, typer.Option(help="Personal ID or tax code of the applicant")],
    component: Annotated[str, typer.Option(help="Component code, e.g. TP01")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF")],
    label: Annotated[str, typer.Option(help="Component name, printed and used as title")] = "",
) -> None:
    """In tờ phân tách cho một thành phần hồ sơ (print a separator sheet for a component)."""
    with calling() as services:
        services.vault.intake.check_dossier(dossier, parse_owner_id(owner), viewer=CLI)
        from digitize.separators import Separator, separator_sheet

        pdf = separator_sheet(Separator(dossier, component, label))
    output.write_bytes(pdf)
    console.print(f"Đã ghi tờ phân tách {output}", highlight=False)
