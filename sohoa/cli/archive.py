"""``sohoa archive``: the archivist's commands (lưu trữ hồ sơ điện tử, TT 13/2023/TT-BNV).

Reading commands run as the service (the command line is on the server). Every
command that changes the archive — transfer, import, holds, disposal — names the
archivist with ``--by``: disposal needs two different people, and the audit trail
must say who decided.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from kernel import Role, Viewer, local_day

from .context import CLI, JsonOption, calling, commands
from .output import answer, console, counted_progress, print_json

if TYPE_CHECKING:
    from ..services import Services

archive_app = commands("Lưu trữ hồ sơ: nộp lưu, kiểm tra gói, phong tỏa, hủy "
                          "(archiving: transfer, validation, holds, disposal).")

ByOption = Annotated[str, typer.Option("--by", help="The archivist's account name")]
STATES = {"overdue": "[red]quá hạn[/]", "due_soon": "[yellow]sắp đến hạn[/]",
          "pending": "chưa đến hạn"}


def _archivist(services: Services, username: str) -> Viewer:
    """The named account, which must be an active archivist's."""
    account = services.accounts.find(username)
    if account.role is not Role.ARCHIVIST or not account.active:
        raise typer.BadParameter(f"{username!r} không phải tài khoản lưu trữ đang hoạt động "
                                 "(not an active archivist account)", param_hint="--by")
    return account.viewer()


def _today() -> datetime:
    return datetime.now(UTC)


@archive_app.command("due")
def due(everything: Annotated[bool, typer.Option(
            "--all", help="Every ended dossier not yet transferred, not only those due")] = False,
        as_json: JsonOption = False) -> None:
    """Hồ sơ đến hạn nộp lưu: trong 30 ngày báo trước hoặc quá hạn một năm (9.D.30)."""
    with calling(as_json) as services:
        items = services.archives.due(viewer=CLI, today=local_day(_today()), everything=everything)
    if as_json:
        print_json([i.as_dict() for i in items])
        return
    table = Table("Mã hồ sơ", "Thủ tục", "Kết thúc", "Hạn nộp lưu", "Trạng thái", "Bảo quản")
    for item in items:
        table.add_row(item.code, item.procedure or "", f"{item.ended_on:%d/%m/%Y}",
                      f"{item.due_on:%d/%m/%Y}", STATES[item.state], item.maintenance)
    console.print(table)
    console.print(f"{len(items)} hồ sơ.", highlight=False)


@archive_app.command("export")
def export(codes: Annotated[list[str], typer.Argument(help="Dossier codes")],
           out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the packages")],
           as_json: JsonOption = False) -> None:
    """Xuất gói nộp lưu (BagIt, E-ARK CSIP) cho từng hồ sơ vào thư mục OUT và kiểm tra
    từng gói vừa xuất. Exit code 1 when any package is not valid."""
    with calling(as_json) as services, counted_progress(not as_json, "Xuất gói") as progress:
        if progress:
            progress(0, len(codes))
        exported = services.archives.export_many(codes, out, viewer=CLI, progress=progress)
    if as_json:
        print_json([{"dossier": code, "path": str(e.path), "files": e.files,
                     "bytes": e.payload_bytes, "checksum": e.checksum,
                     "validation": e.report.as_dict()} for code, e in zip(codes, exported, strict=True)])
    else:
        for code, e in zip(codes, exported, strict=True):
            console.print(f"{code} → {e.path} ({e.files} tệp, {e.payload_bytes:,} byte, "
                          f"SHA-256 {e.checksum[:16]}…)", highlight=False)
            if not e.report.valid:
                for line in e.report.lines_vi():
                    console.print(line, highlight=False, markup=False)
    if not all(e.report.valid for e in exported):
        raise typer.Exit(1)


@archive_app.command("validate")
def validate(packages: Annotated[list[Path], typer.Argument(help="Package folders")],
             as_json: JsonOption = False) -> None:
    """Kiểm tra gói: BagIt, METS/PREMIS theo lược đồ, Phụ lục VI, PDF, chữ ký số (offline).
    Exit code 1 when any package is not valid."""
    with calling(as_json) as services, counted_progress(not as_json, "Kiểm tra") as progress:
        if progress:
            progress(0, len(packages))
        reports = services.archives.validate_many(packages, progress)
    if as_json:
        print_json([r.as_dict() for r in reports])
    else:
        for report in reports:
            for line in report.lines_vi():
                console.print(line, highlight=False, markup=False)
    if not all(r.valid for r in reports):
        raise typer.Exit(1)


@archive_app.command("transfer")
def transfer(codes: Annotated[list[str], typer.Argument(help="Dossier codes")], by: ByOption,
             as_json: JsonOption = False) -> None:
    """Tiếp nhận hồ sơ vào lưu trữ: đóng gói, kiểm tra, lưu có khóa đến hết thời hạn."""
    records = []
    with calling(as_json) as services, counted_progress(not as_json, "Nộp lưu") as progress:
        viewer = _archivist(services, by)
        for done, code in enumerate(codes):
            if progress:
                progress(done, len(codes))
            records.append(services.archives.transfer(code, viewer=viewer))
        if progress:
            progress(len(codes), len(codes))
    if as_json:
        print_json([r.as_dict() for r in records])
        return
    for r in records:
        lock = "khóa đến " + (f"{r.retain_until:%d/%m/%Y}" if r.retain_until else "vĩnh viễn") \
            if r.locked else "không khóa"
        console.print(f"{r.dossier_code} → {r.file_code}: {r.files} tệp, {lock}, "
                      f"SHA-256 gói {r.package_checksum[:16]}…", highlight=False)


@archive_app.command("transfers")
def transfers(by: ByOption, as_json: JsonOption = False) -> None:
    """Sổ nộp lưu: ai giao, ai nhận, khi nào, mã băm gói."""
    with calling(as_json) as services:
        records = services.archives.transfers(viewer=_archivist(services, by))
    if as_json:
        print_json([r.as_dict() for r in records])
        return
    table = Table("Mã hồ sơ", "Mã lưu trữ", "Bên giao", "Bên nhận", "Thời điểm", "Bảo quản",
                  "Đã hủy")
    for r in records:
        table.add_row(r.dossier_code, r.file_code, r.handed_over_by, r.received_by,
                      f"{r.transferred_at:%d/%m/%Y %H:%M}", r.maintenance,
                      f"{r.disposed_at:%d/%m/%Y}" if r.disposed_at else "")
    console.print(table)


@archive_app.command("restore")
def restore(code: Annotated[str, typer.Argument(help="Dossier code")],
            out: Annotated[Path, typer.Option("-o", "--out", help="Folder to write into")],
            by: ByOption, as_json: JsonOption = False) -> None:
    """Lấy lại gói đã nộp lưu từ kho lưu trữ (mỗi tệp được đối chiếu mã băm)."""
    with calling(as_json) as services:
        path = services.archives.restore_package(code, out, viewer=_archivist(services, by))
    answer(as_json, {"dossier": code, "path": str(path)}, f"{code} → {path}")


@archive_app.command("import")
def import_(packages: Annotated[list[Path], typer.Argument(help="Package folders")],
            by: ByOption, as_json: JsonOption = False) -> None:
    """Nhập lại gói vào hệ thống (chỉ gói hợp lệ, hồ sơ chưa có ở đây)."""
    imported = []
    with calling(as_json) as services:
        viewer = _archivist(services, by)
        for path in packages:
            record = services.archives.import_package(path, viewer=viewer)
            imported.append({"dossier": record.code, "status": record.status,
                             "components": len(record.components),
                             "results": len(record.results)})
    if as_json:
        print_json(imported)
        return
    for item in imported:
        console.print(f"Đã nhập {item['dossier']} ({item['components']} thành phần, "
                      f"{item['results']} kết quả).", highlight=False)


@archive_app.command("hold")
def hold(code: Annotated[str, typer.Argument(help="Dossier code")],
         reason: Annotated[str, typer.Option(help="Why (a court order, an inspection…)")],
         by: ByOption, as_json: JsonOption = False) -> None:
    """Phong tỏa hồ sơ: không được hủy cho đến khi gỡ (legal hold)."""
    with calling(as_json) as services:
        hold_id = services.disposals.place_hold(code, reason, viewer=_archivist(services, by))
    answer(as_json, {"dossier": code, "hold": hold_id},
           f"Đã phong tỏa {code} (lệnh số {hold_id}).")


@archive_app.command("release")
def release(hold_id: Annotated[int, typer.Argument(help="Hold number")],
            reason: Annotated[str, typer.Option(help="Why the hold ends")], by: ByOption,
            as_json: JsonOption = False) -> None:
    """Gỡ phong tỏa."""
    with calling(as_json) as services:
        services.disposals.release_hold(hold_id, reason, viewer=_archivist(services, by))
    answer(as_json, {"hold": hold_id, "released": True},
           f"Đã gỡ lệnh phong tỏa {hold_id}.")


@archive_app.command("holds")
def holds(code: Annotated[str, typer.Argument(help="Dossier code")], by: ByOption,
          as_json: JsonOption = False) -> None:
    """Các lệnh phong tỏa của một hồ sơ."""
    with calling(as_json) as services:
        rows = services.disposals.holds(code, viewer=_archivist(services, by))
    if as_json:
        print_json(rows)
        return
    table = Table("Số", "Lý do", "Người đặt", "Ngày đặt", "Còn hiệu lực")
    for h in rows:
        table.add_row(str(h["id"]), h["reason"], h["placed_by"], h["placed_at"][:10],
                      "có" if h["standing"] else f"đã gỡ {h['released_at'][:10]}")
    console.print(table)


@archive_app.command("review")
def review(by: ByOption, as_json: JsonOption = False) -> None:
    """Danh mục hồ sơ hết thời hạn bảo quản, để xét hủy."""
    with calling(as_json) as services:
        rows = services.disposals.review_list(viewer=_archivist(services, by),
                                             today=local_day(_today()))
    if as_json:
        print_json(rows)
        return
    table = Table("Mã hồ sơ", "Mã lưu trữ", "Bảo quản", "Hết hạn", "Phong tỏa", "Đề nghị hủy")
    for r in rows:
        table.add_row(r["dossier_code"], r["file_code"], r["maintenance"], r["retain_until"],
                      str(r["holds"]), r["proposal"] or "")
    console.print(table)


@archive_app.command("propose")
def propose(code: Annotated[str, typer.Argument(help="Dossier code")],
            reason: Annotated[str, typer.Option(help="Why it may be destroyed")], by: ByOption,
            as_json: JsonOption = False) -> None:
    """Đề nghị hủy một hồ sơ hết thời hạn (người thứ hai phê duyệt)."""
    with calling(as_json) as services:
        proposal = services.disposals.propose(code, reason,
                                                      viewer=_archivist(services, by))
    answer(as_json, {"dossier": code, "disposal": proposal},
           f"Đề nghị hủy {code}: số {proposal}; chờ người thứ hai phê duyệt.")


@archive_app.command("reject")
def reject(disposal: Annotated[str, typer.Argument(help="Proposal number")],
           reason: Annotated[str, typer.Option(help="Why not")], by: ByOption,
           as_json: JsonOption = False) -> None:
    """Không duyệt một đề nghị hủy."""
    with calling(as_json) as services:
        services.disposals.reject(disposal, reason, viewer=_archivist(services, by))
    answer(as_json, {"disposal": disposal, "rejected": True},
           f"Đã từ chối đề nghị hủy {disposal}.")


@archive_app.command("approve")
def approve(disposal: Annotated[str, typer.Argument(help="Proposal number")],
            decision: Annotated[str, typer.Option(help="The head's decision (số quyết định)")],
            by: ByOption,
            yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm")] = False,
            as_json: JsonOption = False) -> None:
    """Phê duyệt và thực hiện hủy: hủy khóa, xóa mọi bản lưu, lập biên bản hủy có ký số.
    This cannot be undone."""
    if not yes:
        typer.confirm(f"Hủy vĩnh viễn hồ sơ của đề nghị {disposal}? (cannot be undone)",
                      abort=True)
    with calling(as_json) as services:
        done = services.disposals.approve(disposal, decision,
                                                  viewer=_archivist(services, by))
    answer(as_json, done,
           f"Đã hủy {done['tombstone']['dossier_code']}; biên bản số "
           f"{done['record_number']}.")


@archive_app.command("record")
def record(disposal: Annotated[str, typer.Argument(help="Proposal number")],
           out: Annotated[Path, typer.Option("-o", "--out", help="PDF file to write")],
           by: ByOption) -> None:
    """Lưu biên bản hủy (PDF có ký số) ra tệp."""
    with calling() as services:
        pdf = services.disposals.destruction_record(disposal, viewer=_archivist(services, by))
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        console.print(f"[bold red]Lỗi[/]: không ghi được {out} (cannot write): {exc.strerror}")
        raise typer.Exit(2) from None
    console.print(f"Biên bản hủy → {out}", highlight=False)
