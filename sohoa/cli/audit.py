"""``sohoa audit``: check the hash chain of the audit trail; read an owner's access log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kernel import parse_owner_id, vietnam_time

from .context import CLI, JsonOption, commands, vault_only
from .output import console, print_json

audit_app = commands("Nhật ký kiểm toán (the audit trail).")


@audit_app.command("verify")
def verify(as_json: JsonOption = False) -> None:
    """Kiểm tra chuỗi băm của nhật ký (check the audit trail's hash chain); exit 1 if broken."""
    with vault_only(as_json) as opened:
        report = opened.vault.custody.verify_audit()
    if as_json:
        print_json(report.as_dict())
    elif report.intact:
        console.print(f"[bold green]Nhật ký toàn vẹn[/]: {report.events:,} sự kiện; đầu chuỗi "
                      f"#{report.head_seq} {report.head_hash}", highlight=False)
    else:
        console.print(f"[bold red]Nhật ký đã bị can thiệp[/] tại sự kiện #{report.broken_at}: "
                      f"{report.problem}", highlight=False)
    raise typer.Exit(0 if report.intact else 1)


@audit_app.command("access-log")
def access_log(owner: Annotated[str, typer.Argument(help="Personal ID or tax code")],
               limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
               as_json: JsonOption = False) -> None:
    """Ai đã đọc tài liệu của chủ kho (who read the owner's documents), newest first."""
    with vault_only(as_json) as opened:
        reads = opened.vault.custody.access_log(parse_owner_id(owner), viewer=CLI, limit=limit)
    if as_json:
        print_json({"reads": [r.as_dict() for r in reads]})
        return
    table = Table("Thời gian", "Người đọc", "Cơ quan", "Quyền", "Tài liệu", "Mục đích")
    for r in reads:
        table.add_row(vietnam_time(r.at), r.reader, r.agency or "—", r.access or "—",
                      r.document_title, r.purpose or "—")
    console.print(table if reads else "Chưa ai đọc tài liệu nào (no reads yet).")
