"""``sohoa digitize`` and ``sohoa vault …``: scans into the owner's vault, and what is in it.

Each command imports the services it calls inside its body, so that ``sohoa --help``
loads none of them."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from kernel import parse_owner_id, vietnam_time

from .context import CLI, CLI_ACTOR, JsonOption, calling, commands, vault_only
from .output import console, page_progress, print_json, read_input

if TYPE_CHECKING:
    from vault import DocumentRecord, Vault


class Variant(StrEnum):
    """The stored files of a document, as ``vault get --variant`` offers them: the values
    of `vault.FileRole`, repeated here so that ``--help`` need not import the vault (a
    test keeps the two the same)."""

    SIGNED = "signed"
    PDFA = "pdfa"
    ORIGINAL = "original"
    TEXT = "text"
    CERTIFIED = "certified"

documents_app = commands()
vault_app = commands("Kho dữ liệu của tổ chức, cá nhân (the owner's vault).")


@documents_app.command("digitize")
def digitize(
    files: Annotated[list[Path], typer.Argument(help="Scans in page order: PDF, JPEG, PNG, TIFF",
                                                exists=False)],
    owner: Annotated[str, typer.Option(help="Personal ID (12 digits) or tax code")],
    dossier: Annotated[str | None, typer.Option(help="Dossier code to link to")] = None,
    operator: Annotated[str | None, typer.Option(help="Name of the officer who scanned")] = None,
    account: Annotated[str | None, typer.Option(
        help="The officer's account: their own key signs (its PIN from $SOHOA_KEY_SECRET or "
             "a prompt, when none is held)")] = None,
    each: Annotated[bool, typer.Option("--each", help="One document per file")] = False,
    title: Annotated[str | None, typer.Option(help="Document title")] = None,
    split: Annotated[bool, typer.Option("--split", help="Cut the batch at separator sheets")] = False,
    pages: Annotated[int | None, typer.Option(
        "--pages", min=1, help="Paper pages you counted; the scan must have as many")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="File despite blocking capture problems (you confirm the scan)")] = False,
    as_json: JsonOption = False,
) -> None:
    """Số hóa bản quét: OCR, ký số, lưu vào kho (digitise scans into the owner's vault)."""
    from ..presenters import document_summary
    from ..usecases import counter
    from .keys_admin import key_secret

    received = [(path.name, read_input(path)) for path in files]
    with calling(as_json) as services:
        viewer = services.accounts.find(account).viewer() if account else CLI
        if account and services.keys.needs_pin(account):
            services.keys.unlock(account, key_secret(ask=True) or "")
        batch = counter.prepare(services, received, owner=owner, dossier=dossier,
                                operator=operator, each=each, title=title, split=split,
                                declared_pages=pages, force=force, viewer=viewer)
        with page_progress(not as_json) as progress:
            records = counter.run(services, batch, actor=viewer.actor if account else CLI_ACTOR,
                                  progress=progress)
    summaries = [document_summary(r, services.vault.required_fields) for r in records]
    refused = [problem.as_dict() for problem in batch.refused]
    if as_json:
        print_json({"documents": summaries, "refused": refused})
        return
    for problem in refused:
        console.print(f"[red]Không lưu, cần quét lại[/]: {problem['message']}", highlight=False)
    for s in summaries:
        console.print(f"[green]Đã lưu[/] {s['id']}: {s['pages']} trang, "
                      f"{s['text_chars']} ký tự, SHA-256 {s['sha256'][:16]}…", highlight=False)
        for warning in s["warnings"]:
            console.print(f"  [yellow]Lưu ý[/]: {warning['message']}", highlight=False)
        _print_record_state(s["record"])


def _print_record_state(record: dict[str, Any]) -> None:
    from vault import LABELS

    if record["result_code"]:
        console.print(f"  Mã kết quả số hóa: [bold]{record['result_code']}[/]", highlight=False)
    else:
        missing = ", ".join(LABELS.get(name, name) for name in record["missing"])
        console.print(f"  [yellow]Chờ xác nhận bản ghi số hóa[/]"
                      f"{': còn trống ' + missing if missing else ''} "
                      f"(sohoa vault record … --set trường=giá_trị)", highlight=False)


@vault_app.command("ls")
def vault_ls(owner: Annotated[str, typer.Argument(help="Personal ID or tax code")],
             as_json: JsonOption = False) -> None:
    """Liệt kê tài liệu trong kho (list the owner's documents)."""
    from ..presenters import document_summary

    with vault_only(as_json) as opened:
        records = opened.vault.documents.list_documents(parse_owner_id(owner), viewer=CLI)
    if as_json:
        print_json({"documents": [document_summary(r, opened.vault.required_fields)
                                  for r in records]})
        return
    table = Table("ID", "Tiêu đề", "Trang", "Hồ sơ", "Ngày quét", "Trạng thái")
    for r in records:
        table.add_row(r.id, r.title, str(r.page_count), r.dossier or "—",
                      vietnam_time(r.scanned_at),
                      f"[red]THU HỒI[/] {vietnam_time(r.revoked_at)}" if r.revoked_at else r.status)
    console.print(table if records else "Kho chưa có tài liệu nào (the vault is empty).")


@vault_app.command("record")
def vault_record(
    owner: Annotated[str, typer.Argument(help="Personal ID or tax code")],
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    values: Annotated[list[str] | None, typer.Option(
        "--set", help="field=value, e.g. --set summary='Về việc …' (repeatable)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Xem, bổ sung và lưu bản ghi số hóa (show, complete and store the digitisation record)."""
    from vault import LABELS

    from ..presenters import digitisation_record
    from ..usecases import record

    with calling(as_json) as services:
        document = _owned(services.vault, doc_id, owner)
        if values:
            changes = dict(_field_value(item) for item in values)
            document = record.save(services, doc_id, changes, viewer=CLI)
        shown = digitisation_record(document, services.vault.required_fields)
    if as_json:
        print_json({"record": shown})
        return
    table = Table("Trường", "Giá trị")
    for name, value in shown.items():
        if name not in ("missing", "expired"):
            table.add_row(LABELS.get(name, name), "—" if value is None else str(value))
    console.print(table)
    _print_record_state(shown)


def _owned(vault: Vault, doc_id: str, owner: str) -> DocumentRecord:
    """The document, if it is in ``owner``'s vault: a mistyped ID finds nothing."""
    from vault import NotFound

    document = vault.documents.get_document(doc_id, viewer=CLI)
    if document.owner != parse_owner_id(owner).value:
        raise NotFound(f"không tìm thấy tài liệu {doc_id} trong kho này (no such document in "
                       "this vault)")
    return document


def _field_value(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep:
        raise typer.BadParameter(f"{item!r}: dùng dạng trường=giá_trị (use field=value)")
    return name.strip(), value


@vault_app.command("get")
def vault_get(
    owner: Annotated[str, typer.Argument(help="Personal ID or tax code")],
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the file")],
    variant: Annotated[Variant, typer.Option(help="Which file")] = Variant.SIGNED,
    part: Annotated[int, typer.Option(min=1, help="Which original, for multi-file scans")] = 1,
) -> None:
    """Tải một tệp của tài liệu (download a document's file)."""
    with vault_only() as opened:
        _owned(opened.vault, doc_id, owner)
        stored = opened.vault.documents.read_file(doc_id, variant.value, part=part, viewer=CLI)
    output.write_bytes(stored.data)
    console.print(f"Đã ghi {output} ({len(stored.data):,} byte, SHA-256 {stored.sha256[:16]}…)",
                  highlight=False)


@vault_app.command("revoke")
def vault_revoke(
    doc_id: Annotated[str, typer.Argument(help="Document ID of the result")],
    reason: Annotated[str, typer.Option(help="Why; shown on the look-up page")],
    as_json: JsonOption = False,
) -> None:
    """Thu hồi kết quả giải quyết TTHC (revoke a result; all its copies become invalid)."""
    with calling(as_json) as services:
        document = services.vault.conversions.revoke(doc_id, reason, actor=CLI_ACTOR)
        copies = services.vault.conversions.conversions_of(doc_id)
    if as_json:
        print_json({"document": {"id": document.id,
                                 "revoked_at": document.revoked_at.isoformat()
                                 if document.revoked_at else None,
                                 "revocation_reason": document.revocation_reason},
                    "copies_invalidated": [c.code for c in copies]})
        return
    console.print(f"Đã thu hồi {document.id}; {len(copies)} bản sao không còn giá trị.",
                  highlight=False)
