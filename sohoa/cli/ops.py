"""Operations: job workers and the integrity check (vận hành)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .context import JsonOption, calling, loaded
from .output import console, counted_progress, fail, print_json

if TYPE_CHECKING:
    from ..usecases.fsck import FsckReport


def worker(
    concurrency: Annotated[int, typer.Option(
        min=1, help="Jobs run at once by this worker (one process each)")] = 1,
    name: Annotated[str | None, typer.Option(help="Worker name (default sohoa@host)")] = None,
) -> None:
    """Chạy tiến trình xử lý công việc (run a Celery job worker: OCR, signing, export).

    Needs SOHOA_JOB_BACKEND=celery and a broker (SOHOA_CELERY_BROKER_URL or
    SOHOA_REDIS_URL); run it on as many machines as the load needs, with the same
    database, storage and settings as the service.
    """
    from ..jobs.celery_backend import celery_app, register_task
    from ..logs import configure_logging
    from ..runtime import build_services
    from ..settings import load_settings

    settings = load_settings()
    if settings.jobs.backend != "celery":
        console.print("[bold red]Lỗi[/]: SOHOA_JOB_BACKEND phải là celery để chạy worker "
                      "(set SOHOA_JOB_BACKEND=celery)")
        raise typer.Exit(2)
    configure_logging(settings.server.log_format)
    loaded()
    app = celery_app(settings.resolved_broker_url,
                     visibility_timeout=settings.jobs.queued_lease_seconds)
    app.conf.worker_hijack_root_logger = False  # our lines: masked IDs, text or JSON
    register_task(app, lambda: build_services(load_settings()).jobs)
    app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                     "--pool=prefork", "--without-gossip", "--without-mingle",
                     "--without-heartbeat", "-n", name or f"sohoa@{socket.gethostname()}",
                     "-Q", "sohoa-jobs"])


def migrate(as_json: JsonOption = False) -> None:
    """Nâng cấp cơ sở dữ liệu lên phiên bản mới nhất (bring the database schema up to date).

    The service does this when it starts; commands that only read (``vault ls``,
    ``search query``, ``audit …``) check the schema instead and ask for this."""
    from ..db import head_revision, migrate as upgrade
    from ..errors import DOMAIN_ERRORS
    from ..settings import load_settings
    from ..vault_setup import open_vault

    try:
        settings = load_settings()
        settings.prepare()
        opened = open_vault(settings, check=False)
        loaded()
        try:
            upgrade(opened.engine, opened.sealer)
        finally:
            opened.close()
    except DOMAIN_ERRORS as exc:
        fail(exc, as_json=as_json)
    if as_json:
        print_json({"schema": head_revision()})
    else:
        console.print(f"Cơ sở dữ liệu ở phiên bản {head_revision()} (the schema is current).",
                      highlight=False)


def fsck(
    deep: Annotated[bool, typer.Option("--deep", help="Read and hash every blob (slow)")] = False,
    report_only: Annotated[bool, typer.Option(
        "--report-only", help="Change nothing: no quarantine, no job resumed")] = False,
    as_json: JsonOption = False,
) -> None:
    """Kiểm tra toàn vẹn kho và công việc (check stores against the database, and jobs).

    Orphan blobs are quarantined (never deleted), a quarantined blob a row names is
    put back, abandoned jobs are resumed; rows without blobs and hash mismatches are
    reported. Exits 1 when something needs a person.
    """
    from ..usecases.fsck import fsck as run_fsck

    reading = counted_progress(deep and not as_json, "Đọc lại tệp")
    with calling(as_json) as services, reading as progress:
        report = run_fsck(services, deep=deep, repair=not report_only, progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        _print(report)
    if report.unresolved:
        raise typer.Exit(1)


def backup(
    to: Annotated[str, typer.Option(
        "--to", help="Second bucket or folder: s3://bucket/prefix or file:///path")],
    without_keys: Annotated[bool, typer.Option(
        "--without-keys", help="Leave out the data folder's development PKI and secrets")]
    = False,
    as_json: JsonOption = False,
) -> None:
    """Sao lưu (back up): a consistent database dump and every blob not yet copied.

    Run it nightly; only blobs the copy lacks are sent. SOHOA_KEK is never copied:
    keep it apart from the backup.
    """
    from ..backup import backup as run_backup, open_target

    copying = counted_progress(not as_json, "Sao chép tệp")
    with calling(as_json) as services, copying as progress:
        report = run_backup(services, open_target(to, services.settings), progress=progress,
                            include_state=not without_keys)
    if as_json:
        print_json(report.as_dict())
        return
    console.print(f"Bản sao lưu {report.snapshot}: {sum(report.tables.values())} dòng CSDL; "
                  f"tệp mới chép {report.copied}, đã có {report.skipped}", highlight=False)
    if report.files:
        console.print(f"[yellow]Có {len(report.files)} tệp khóa/chứng thư của thư mục dữ liệu "
                      f"trong bản sao lưu: hãy bảo vệ nơi lưu (the backup holds keys)[/]")


def restore(
    source: Annotated[str, typer.Option(
        "--from", help="Where the backup is: s3://bucket/prefix or file:///path")],
    snapshot: Annotated[str | None, typer.Option(help="Snapshot id (default: newest)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Phục hồi (restore) a backup into an EMPTY system, then check it (fsck --deep).

    Set the restored system's settings first (database, storage, SOHOA_KEK); exits 1
    if the check finds a problem.
    """
    from ..backup import open_target, restore as run_restore
    from ..errors import DOMAIN_ERRORS
    from ..settings import load_settings

    settings = load_settings()
    loaded()
    copying = counted_progress(not as_json, "Phục hồi tệp")
    try:
        with copying as progress:
            report = run_restore(settings, open_target(source, settings), snapshot=snapshot,
                                 progress=progress)
    except DOMAIN_ERRORS as exc:
        fail(exc, as_json=as_json)
    if as_json:
        print_json(report.as_dict())
    else:
        console.print(f"Đã phục hồi {report.snapshot}: {sum(report.tables.values())} dòng, "
                      f"tệp {report.blobs}, chỉ mục {report.indexed} tài liệu", highlight=False)
        _print(report.fsck)
    if report.fsck.unresolved:
        raise typer.Exit(1)


def _print(report: FsckReport) -> None:
    table = Table("Kho (store)", "Tệp theo CSDL (named by rows)", "Đã đọc lại (read back)",
                  "Trong kho (listed)")
    for store in report.stores:
        table.add_row(store.store, str(store.checked), str(store.read), str(store.listed))
    console.print(table)
    for finding in report.findings:
        colour = "yellow" if finding.action else "red"
        console.print(f"[{colour}]{finding.problem.value}[/] {finding.store}: {finding.key} "
                      f"{finding.detail} {finding.action}".rstrip(), highlight=False)
    console.print(f"Công việc dở dang (unfinished jobs): {report.jobs.unfinished}; chạy lại "
                  f"(resumed): {len(report.jobs.resumed)}; dừng (failed): "
                  f"{len(report.jobs.failed)}", highlight=False)
    console.print("[green]Sạch (clean)[/]" if report.clean else
                  "[red]Cần xử lý (needs attention)[/]" if report.unresolved else
                  "[yellow]Đã xử lý (repaired)[/]")


def sync(
    as_json: JsonOption = False,
) -> None:
    """Đồng bộ về trung tâm (a counter node: send every filed document the centre lacks).

    `sohoa serve` on a node does this by itself every SOHOA_SYNC_INTERVAL_SECONDS;
    this command sends now and says what is left. Exit 1 while the centre is
    unreachable or has refused a document, 0 when everything has arrived.
    """
    from ..usecases.sync.node import centre_link, sync_pass
    from ..usecases.sync.outbox import Outbox

    sending = counted_progress(not as_json, "Gửi về trung tâm")
    with calling(as_json) as services, sending as progress:
        link = centre_link(services.settings)
        try:
            report = sync_pass(services, link, progress=progress)
        finally:
            link.close()
        counts = Outbox(services.sessions).counts()
    summary = {"sent": report.sent, "refused": report.refused, "pending": counts.pending,
               "link_down": report.link_down,
               "refusals": [{"document": r.document_id, "code": r.code, "message": r.message}
                            for r in counts.refused]}
    if as_json:
        print_json(summary)
    else:
        console.print(f"Đã gửi {report.sent}; còn chờ {counts.pending}; bị từ chối "
                      f"{len(counts.refused)}", highlight=False)
        if report.link_down:
            console.print(f"[bold red]Mất kết nối trung tâm[/]: {report.link_down}",
                          highlight=False)
        for refusal in counts.refused:
            console.print(f"  {refusal.document_id}: {refusal.code} — {refusal.message}",
                          highlight=False)
    if report.link_down or counts.refused:
        raise typer.Exit(1)


def thumbnails(as_json: JsonOption = False) -> None:
    """Vẽ ảnh thu nhỏ còn thiếu (draw the list thumbnails of papers filed before they existed).

    Each such paper is read once, as the service; the read shows in its owner's access
    log. Safe to run again: papers that have one are left alone.
    """
    from ..usecases.thumbnails import backfill

    with calling(as_json) as services, counted_progress(not as_json, "Vẽ ảnh thu nhỏ") as progress:
        drawn, failed = backfill(services, progress=progress)
    if as_json:
        print_json({"drawn": drawn, "failed": failed})
    else:
        console.print(f"Đã vẽ {drawn} ảnh thu nhỏ; {failed} tài liệu không vẽ được.",
                      highlight=False)
