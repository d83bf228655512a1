"""The archivist's screens (lưu trữ): due list, packages with validation, transfers, holds,
disposal with a second person's approval, destruction records.

Exporting is long (every signature is checked), so it is a job: the screen shows
its progress and then each package's verdict and the report lines of any problem.
Packages are kept under ``<data>/web-exports/`` for download for a day; each new
export clears older ones.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response

from kernel import local_day

from .. import job_kinds
from ..jobs import JobNotFound
from .downloads import attachment
from .i18n import N_, gettext as _
from .render import flash, render
from .session import ArchivistUser, services_of

router = APIRouter(prefix="/archive")

STATE_NAMES = {"overdue": N_("Quá hạn"), "due_soon": N_("Sắp đến hạn"), "pending": N_("Chưa đến hạn")}


@router.get("")
def due(request: Request, account: ArchivistUser,
        everything: Annotated[bool, Query(alias="all")] = False) -> Response:
    items = services_of(request).archives.due(viewer=account.viewer(),
                                              today=local_day(datetime.now(UTC)),
                                              everything=everything)
    return render(request, "archive/due.html", items=items, everything=everything,
                  states=STATE_NAMES)


@router.post("/exports")
def export(request: Request, account: ArchivistUser,
           codes: Annotated[list[str], Form(min_length=1, max_length=500)]) -> Response:
    """Export and validate the chosen dossiers in a job; the screen follows its progress."""
    services = services_of(request)
    viewer = account.viewer()
    for code in codes:  # refuse an unknown or open dossier now, not in the job
        services.vault.archival.archival_dossier(code, viewer=viewer)

    _prune(services.settings.exports_dir)
    job = job_kinds.submit_export(services, codes, viewer=viewer, requested_by=account.id)
    return render(request, "archive/_job.html", job=job)


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: str, account: ArchivistUser) -> Response:
    try:
        found = services_of(request).jobs.get(job_id, requested_by=account.id)
    except JobNotFound:
        return render(request, "_error.html", status_code=404,
                      message=_("Không tìm thấy công việc này."), problems=[])
    return render(request, "archive/_job.html", job=found)


@router.get("/jobs/{job_id}/packages/{name}.zip")
def package(request: Request, job_id: str, name: str, account: ArchivistUser) -> Response:
    """One exported package as a ZIP, for the job's own archivist."""
    services = services_of(request)
    try:
        found = services.jobs.get(job_id, requested_by=account.id)
    except JobNotFound:
        return render(request, "error.html", status_code=404,
                      message=_("Không tìm thấy công việc này."), problems=[])
    packages = {p["name"]: p for p in (found.result or {}).get("packages", [])}
    if name not in packages or not Path(packages[name]["folder"]).is_dir():
        return render(request, "error.html", status_code=404,
                      message=_("Gói không còn trên máy chủ; hãy xuất lại."), problems=[])
    folder = Path(packages[name]["folder"])
    zipped = folder.parent / "zip" / name
    zipped.parent.mkdir(parents=True, exist_ok=True)
    archive = shutil.make_archive(str(zipped), "zip", root_dir=folder.parent,
                                  base_dir=folder.name)
    return FileResponse(archive, media_type="application/zip", filename=f"{name}.zip",
                        headers={"X-Package-SHA256": packages[name]["checksum"],
                                 "Cache-Control": "no-store"})


@router.get("/transfers")
def transfers(request: Request, account: ArchivistUser) -> Response:
    found = services_of(request).archives.transfers(viewer=account.viewer())
    return render(request, "archive/transfers.html", transfers=list(reversed(found)))


@router.post("/transfers")
async def transfer(request: Request, account: ArchivistUser,
                   code: Annotated[str, Form(min_length=1, max_length=64)]) -> Response:
    """Package, validate and store the dossier in archival storage, locked."""
    services = services_of(request)
    record = await run_in_threadpool(services.archives.transfer, code, viewer=account.viewer())
    return flash(RedirectResponse("/archive/transfers", status_code=303),
                 _("Đã nộp lưu hồ sơ %(code)s.", code=record.dossier_code))


@router.get("/dossiers/{code}/holds")
def holds(request: Request, code: str, account: ArchivistUser) -> Response:
    found = services_of(request).disposals.holds(code, viewer=account.viewer())
    return render(request, "archive/holds.html", code=code, holds=found)


@router.post("/dossiers/{code}/holds")
def place_hold(request: Request, code: str, account: ArchivistUser,
               reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    services_of(request).disposals.place_hold(code, reason, viewer=account.viewer())
    return flash(RedirectResponse(f"/archive/dossiers/{code}/holds", status_code=303),
                 _("Đã phong tỏa hồ sơ: không thể hủy cho đến khi gỡ phong tỏa."))


@router.post("/holds/{hold_id}/release")
def release_hold(request: Request, hold_id: int, account: ArchivistUser,
                 code: Annotated[str, Form(max_length=64)],
                 reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    services_of(request).disposals.release_hold(hold_id, reason, viewer=account.viewer())
    return flash(RedirectResponse(f"/archive/dossiers/{code}/holds", status_code=303),
                 _("Đã gỡ phong tỏa."))


@router.get("/disposals")
def disposals(request: Request, account: ArchivistUser) -> Response:
    services = services_of(request)
    viewer = account.viewer()
    return render(request, "archive/disposals.html",
                  review=services.disposals.review_list(viewer=viewer,
                                                       today=local_day(datetime.now(UTC))),
                  disposals=services.disposals.listing(viewer=viewer))


@router.post("/disposals")
def propose(request: Request, account: ArchivistUser,
            code: Annotated[str, Form(min_length=1, max_length=64)],
            reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    services_of(request).disposals.propose(code, reason, viewer=account.viewer())
    return flash(RedirectResponse("/archive/disposals", status_code=303),
                 _("Đã đề nghị hủy; cần một lưu trữ viên khác duyệt."))


@router.post("/disposals/{disposal_id}/approval")
async def approve(request: Request, disposal_id: str, account: ArchivistUser,
                  decision: Annotated[str, Form(min_length=1, max_length=255)]) -> Response:
    services = services_of(request)
    done = await run_in_threadpool(services.disposals.approve, disposal_id, decision,
                                   viewer=account.viewer())
    return flash(RedirectResponse("/archive/disposals", status_code=303),
                 _("Đã hủy tài liệu; biên bản số %(number)s.", number=done["record_number"]))


@router.post("/disposals/{disposal_id}/rejection")
def reject(request: Request, disposal_id: str, account: ArchivistUser,
           reason: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    services_of(request).disposals.reject(disposal_id, reason, viewer=account.viewer())
    return flash(RedirectResponse("/archive/disposals", status_code=303),
                 _("Đã từ chối đề nghị hủy."))


@router.get("/disposals/{disposal_id}/record.pdf")
def record(request: Request, disposal_id: str, account: ArchivistUser) -> Response:
    pdf = services_of(request).disposals.destruction_record(disposal_id, viewer=account.viewer())
    return attachment(pdf, f"bien-ban-huy-{disposal_id}.pdf", inline=True)


def _prune(root: Path, max_age_seconds: float = 24 * 3600) -> None:
    """Remove exports older than a day: packages are for download, the archive keeps its own."""
    if not root.is_dir():
        return
    cutoff = time.time() - max_age_seconds
    for folder in root.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
