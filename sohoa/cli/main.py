"""``sohoa`` commands. Each parses options, calls a service, and prints the answer."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from digitize import DigitizeError
from digitize.separators import Separator, separator_sheet
from kernel import parse_owner_id
from signing import NotAPdf, PadesLevel, SigningError, verify_pdf, vietnam_time
from vault import LABELS, DocumentRecord, FileRole, NotFound

from .. import certify, counter, record, signatures
from ..logs import configure_logging
from ..presenters import conversion_summary, digitisation_record, document_summary, with_registry
from ..services import Services, dev_pki, trust_services
from ..settings import Settings
from ..untrusted import verify_untrusted
from .admin import admin_app
from .archive import archive_app
from .audit import audit_app
from .context import CLI, CLI_ACTOR, JsonOption, calling
from .keys import keys_app
from .ops import backup, fsck, restore, sync, worker
from .output import console, counted_progress, fail, page_progress, print_json
from .report import report_app
from .retention import retention_app
from .search import search_app

app = typer.Typer(
    help="sohoa — số hóa hồ sơ, ký số và kho dữ liệu điện tử (digitisation, signing, vault).",
    no_args_is_help=True, pretty_exceptions_enable=False,
)
vault_app = typer.Typer(help="Kho dữ liệu của tổ chức, cá nhân (the owner's vault).",
                        no_args_is_help=True)
dossier_app = typer.Typer(help="Hồ sơ thủ tục hành chính (dossiers).", no_args_is_help=True)
signing_app = typer.Typer(help="Chữ ký số (signatures).", no_args_is_help=True)
certify_app = typer.Typer(help="Chứng nhận chuyển đổi giấy ↔ điện tử (conversion certificates).",
                          no_args_is_help=True)
app.add_typer(vault_app, name="vault")
app.add_typer(certify_app, name="certify")
app.add_typer(signing_app, name="signing")
app.add_typer(dossier_app, name="dossier")
app.add_typer(admin_app, name="admin")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(search_app, name="search")
app.add_typer(retention_app, name="retention")
app.add_typer(archive_app, name="archive")
app.add_typer(report_app, name="report")
app.command()(worker)
app.command()(fsck)
app.command()(backup)
app.command()(restore)
app.command()(sync)

def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        console.print(f"[bold red]Lỗi[/]: không đọc được {path} (cannot read): {exc.strerror}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
) -> None:
    """Chạy dịch vụ web và API (run the web service and API)."""
    import uvicorn

    from ..api import create_app

    settings = Settings()
    configure_logging(settings.log_format)
    exit_cleanly_on_sigterm()
    # Forwarded headers are the app's business (SOHOA_TRUSTED_PROXIES), not uvicorn's,
    # which would otherwise believe them from any local peer.
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                access_log=False, log_config=None, proxy_headers=False)


def exit_cleanly_on_sigterm() -> None:
    """Let SIGTERM end the process as an exit, not a kill.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again with the
    handler it found at start; with the system's default that kills the process before
    ``atexit`` runs, so the warm OCR workers and their temporary folders, and the
    parsing sandbox's socket folder, would stay behind.
    """
    signal.signal(signal.SIGTERM, lambda number, _frame: sys.exit(128 + number))


@app.command()
def digitize(
    files: Annotated[list[Path], typer.Argument(help="Scans in page order: PDF, JPEG, PNG, TIFF",
                                                exists=False)],
    owner: Annotated[str, typer.Option(help="Personal ID (12 digits) or tax code")],
    dossier: Annotated[str | None, typer.Option(help="Dossier code to link to")] = None,
    operator: Annotated[str | None, typer.Option(help="Name of the officer who scanned")] = None,
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
    received = [(path.name, _read(path)) for path in files]
    with calling(as_json) as services:
        batch = counter.prepare(services, received, owner=owner, dossier=dossier,
                                operator=operator, each=each, title=title, split=split,
                                declared_pages=pages, force=force, viewer=CLI)
        with page_progress(not as_json) as progress:
            records = counter.run(services, batch, actor=CLI_ACTOR, progress=progress)
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
    with calling(as_json) as services:
        records = services.vault.list_documents(parse_owner_id(owner), viewer=CLI)
    if as_json:
        print_json({"documents": [document_summary(r, services.vault.required_fields)
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
    with calling(as_json) as services:
        document = _owned(services, doc_id, owner)
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


def _owned(services: Services, doc_id: str, owner: str) -> DocumentRecord:
    """The document, if it is in ``owner``'s vault: a mistyped ID finds nothing."""
    document = services.vault.get_document(doc_id, viewer=CLI)
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
    variant: Annotated[FileRole, typer.Option(help="Which file")] = FileRole.SIGNED,
    part: Annotated[int, typer.Option(min=1, help="Which original, for multi-file scans")] = 1,
) -> None:
    """Tải một tệp của tài liệu (download a document's file)."""
    with calling() as services:
        _owned(services, doc_id, owner)
        stored = services.vault.read_file(doc_id, variant.value, part=part, viewer=CLI)
    output.write_bytes(stored.data)
    console.print(f"Đã ghi {output} ({len(stored.data):,} byte, SHA-256 {stored.sha256[:16]}…)",
                  highlight=False)


@dossier_app.command("open")
def dossier_open(
    owner: Annotated[str, typer.Option(help="Personal ID or tax code of the applicant")],
    procedure: Annotated[str | None, typer.Option(help="Procedure name")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency code (default: from settings)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tiếp nhận hồ sơ mới và cấp mã hồ sơ (receive a dossier; prints its code)."""
    with calling(as_json) as services:
        code = services.vault.open_dossier(
            agency or services.settings.agency_code, parse_owner_id(owner),
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
        dossier = services.vault.dossier(code, viewer=CLI)
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
        missing = services.vault.results_missing()
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
        services.vault.check_dossier(dossier, parse_owner_id(owner), viewer=CLI)
        pdf = separator_sheet(Separator(dossier, component, label))
    output.write_bytes(pdf)
    console.print(f"Đã ghi tờ phân tách {output}", highlight=False)


@app.command()
def sign(
    pdf: Annotated[Path, typer.Argument(help="The PDF to sign")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the signed PDF")],
    level: Annotated[str | None, typer.Option(
        help="B-B, B-T, B-LT or B-LTA; default: the level configured for the role")] = None,
    as_: Annotated[signatures.SignAs, typer.Option(
        "--as", help="operator: the officer's signature; agency: SAO Y copy; result: "
        "signer image + agency seal")] = signatures.SignAs.AGENCY,
    copy_form: Annotated[str, typer.Option(help="SAO Y, SAO LỤC or TRÍCH SAO")] = "SAO Y",
    signer: Annotated[str | None, typer.Option(help="Officer or competent person")] = None,
    signature_image: Annotated[Path | None, typer.Option(
        help="--as result: the signer's signature, transparent PNG")] = None,
    seal_image: Annotated[Path | None, typer.Option(
        help="--as result: the agency seal PNG; default SOHOA_AGENCY_SEAL_IMAGE")] = None,
    at: Annotated[str, typer.Option(
        help="--as result: PAGE,X,Y — the signature image's centre in mm from the page's "
             "top-left; page -1 is the last")] = "-1,140,230",
    as_json: JsonOption = False,
) -> None:
    """Ký số tệp PDF (sign a PDF): mức PAdES, hình thức hiển thị theo NĐ 30/2020."""
    data = _read(pdf)
    try:
        options = signatures.SignOptions(
            role=as_, level=PadesLevel.parse(level) if level else None, copy_form=copy_form,
            signer=signer, signature_png=_read(signature_image) if signature_image else None,
            seal_png=_read(seal_image) if seal_image else None, **_placement(at),
        )
    except ValueError as exc:
        console.print(f"[bold red]Lỗi[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None
    with calling(as_json) as services:
        signed = signatures.sign_document(services, data, options)
        report = verify_pdf(signed, services.trust)
    output.write_bytes(signed)
    newest = report.signatures[-1]
    if as_json:
        print_json({"output": str(output), "signature": report.as_dict()["signatures"][-1]})
        return
    console.print(f"Đã ký ({newest.signer}), đạt mức PAdES {newest.level} → {output}",
                  highlight=False)


def _placement(at: str) -> dict[str, Any]:
    try:
        page, x, y = (part.strip() for part in at.split(","))
        number = int(page)
        return {"page": number - 1 if number > 0 else number, "centre_mm": (float(x), float(y))}
    except ValueError:
        raise ValueError(f"--at phải có dạng TRANG,X,Y (mm), ví dụ -1,140,230; không phải "
                         f"{at!r}") from None


@app.command()
def verify(
    pdf: Annotated[Path, typer.Argument(help="A signed PDF")],
    offline: Annotated[bool, typer.Option(
        "--offline", help="Signatures only: do not ask this service's vault whether the "
        "document was revoked")] = False,
    as_json: JsonOption = False,
) -> None:
    """Kiểm tra chữ ký số trong tệp PDF (validate a PDF's signatures)."""
    data = _read(pdf)
    settings = Settings()
    try:
        report = verify_untrusted(data, settings, trust_services(settings, dev_pki(settings)))
    except (NotAPdf, SigningError, DigitizeError) as exc:
        fail(exc, as_json=as_json)
    answer = report.as_dict()
    if not offline:
        with calling(as_json) as services:
            answer = with_registry(answer, certify.registry_standing(services, data))
    if as_json:
        print_json(answer)
    else:
        for index, sig in enumerate(report.signatures, start=1):
            mark = "[green]HỢP LỆ[/]" if sig.bottom_line else "[red]KHÔNG HỢP LỆ[/]"
            console.print(f"{mark} Chữ ký {index} ({sig.field})", highlight=False)
            for line in sig.describe_vi():
                console.print(f"  {line}", highlight=False)
        for stamp in report.document_timestamps:
            console.print(f"Dấu thời gian lưu trữ: {stamp.time} — {stamp.authority}",
                          highlight=False)
        registry = answer.get("registry", {})
        if registry.get("known") and registry["status"] != "valid":
            console.print(f"[bold red]Tài liệu {registry['status_vi']}[/]"
                          f"{' lúc ' + registry['revoked_at'] if registry['revoked_at'] else ''}"
                          f"{': ' + registry['revocation_reason'] if registry['revocation_reason'] else ''}",
                          highlight=False)
        console.print(report.verdict_vi() if answer["valid"] or not report.valid else
                      "KẾT LUẬN: tài liệu không còn giá trị sử dụng (the document is no longer "
                      "valid)", highlight=False)
    raise typer.Exit(0 if answer["valid"] else 1)


@signing_app.command("refresh")
def signing_refresh(
    within: Annotated[float, typer.Option(
        help="Renew files whose newest timestamp becomes unverifiable within this many days")
    ] = 90,
    as_json: JsonOption = False,
) -> None:
    """Gia hạn dấu thời gian lưu trữ (renew archive timestamps, PAdES B-LTA)."""
    with calling(as_json) as services, counted_progress(not as_json, "Kiểm tra") as progress:
        report = signatures.renew_timestamps(services, within, progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(f"Đã kiểm tra {report.checked} tệp; gia hạn {len(report.renewed)}; "
                      f"không gia hạn được {len(report.failed)}.", highlight=False)
        for document, reason in report.failed:
            console.print(f"  [red]{document}[/]: {reason}", highlight=False)
    raise typer.Exit(1 if report.failed else 0)


@certify_app.command("copy")
def certify_copy(
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    converter: Annotated[str | None, typer.Option(help="Officer converting")] = None,
    copy_form: Annotated[str, typer.Option(help="SAO Y, SAO LỤC or TRÍCH SAO")] = "SAO Y",
    qr: Annotated[bool | None, typer.Option(
        "--qr/--no-qr", help="QR with the conversion data (default: SOHOA_CONVERSION_QR)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Also write the certified PDF here")] = None,
    as_json: JsonOption = False,
) -> None:
    """Chứng nhận bản điện tử chuyển đổi từ bản giấy (paper → electronic certified copy)."""
    with calling(as_json) as services:
        conversion = certify.certify_copy(services, doc_id, converter=converter,
                                          copy_form=copy_form, qr=qr, viewer=CLI)
        if output:
            output.write_bytes(services.vault.read_file(doc_id, FileRole.CERTIFIED.value,
                                                        viewer=CLI).data)
        shown = conversion_summary(conversion, services.settings)
    if as_json:
        print_json({"conversion": shown})
        return
    console.print(f"Đã chứng nhận bản điện tử: mã tra cứu [bold]{shown['code']}[/] — "
                  f"{shown['lookup_url']}", highlight=False)


@certify_app.command("print")
def certify_print(
    doc_id: Annotated[str, typer.Argument(help="Document ID")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF to print")],
    converter: Annotated[str | None, typer.Option(help="Officer printing the copy")] = None,
    formal: Annotated[bool, typer.Option(
        "--sao-y", help="Add the formal SAO Y block with the agency's next copy number")] = False,
    signer_position: Annotated[str | None, typer.Option(help="--sao-y: signer's position")] = None,
    signer_name: Annotated[str | None, typer.Option(help="--sao-y: signer's full name")] = None,
    recipients: Annotated[list[str] | None, typer.Option(
        "--recipient", help="--sao-y: a recipient (nơi nhận), repeatable")] = None,
    as_json: JsonOption = False,
) -> None:
    """In bản giấy từ bản điện tử, có mã QR tra cứu (electronic → paper copy, printable PDF)."""
    options = certify.FormalOptions("SAO Y", signer_position, signer_name,
                                    tuple(recipients or ())) if formal else None
    with calling(as_json) as services:
        conversion, pdf = certify.print_copy(services, doc_id, converter=converter,
                                             formal=options, viewer=CLI)
        shown = conversion_summary(conversion, services.settings)
    output.write_bytes(pdf)
    if as_json:
        print_json({"output": str(output), "conversion": shown})
        return
    number = f", số {shown['copy_symbol']}" if shown["copy_symbol"] else ""
    console.print(f"Đã ghi bản in {output}{number}; mã tra cứu [bold]{shown['code']}[/] — "
                  f"{shown['lookup_url']}", highlight=False)


@vault_app.command("revoke")
def vault_revoke(
    doc_id: Annotated[str, typer.Argument(help="Document ID of the result")],
    reason: Annotated[str, typer.Option(help="Why; shown on the look-up page")],
    as_json: JsonOption = False,
) -> None:
    """Thu hồi kết quả giải quyết TTHC (revoke a result; all its copies become invalid)."""
    with calling(as_json) as services:
        document = services.vault.revoke(doc_id, reason, actor=CLI_ACTOR)
        copies = services.vault.conversions_of(doc_id)
    if as_json:
        print_json({"document": {"id": document.id,
                                 "revoked_at": document.revoked_at.isoformat()
                                 if document.revoked_at else None,
                                 "revocation_reason": document.revocation_reason},
                    "copies_invalidated": [c.code for c in copies]})
        return
    console.print(f"Đã thu hồi {document.id}; {len(copies)} bản sao không còn giá trị.",
                  highlight=False)


@app.command()
def lookup(code: Annotated[str, typer.Argument(help="Look-up code printed on a copy")],
           as_json: JsonOption = False) -> None:
    """Tra cứu một bản sao theo mã (look up a copy's status by its code)."""
    with calling(as_json) as services:
        view = certify.lookup(services, code).as_dict()
    if as_json:
        print_json(view)
    else:
        colour = "green" if view["valid"] else "red"
        console.print(f"[bold {colour}]{view['status_vi']}[/] — {view['document']['title']}",
                      highlight=False)
        console.print(f"SHA-256: {view['conversion']['sha256']}", highlight=False)
    raise typer.Exit(0 if view["valid"] else 1)


def main() -> None:
    app()
