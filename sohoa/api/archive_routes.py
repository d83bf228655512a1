"""The archive over HTTP (lưu trữ): due list, packages, transfers, holds, disposal.

Archivists do this work; counter staff may read their own agency's due list, so a
one-stop office sees what it still owes the archive. Nobody else reaches any of it.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from accounts.service import AccountView
from kernel import Role, local_day

from .auth import role_in, services_of

router = APIRouter(prefix="/api/v1/archive", tags=["archive"])

Archivist = Annotated[AccountView, Depends(role_in(Role.ARCHIVIST))]
DueReader = Annotated[AccountView, Depends(role_in(Role.ARCHIVIST, Role.STAFF))]


def _today() -> datetime:
    return datetime.now(UTC)


@router.get("/due")
def due_list(request: Request, account: DueReader,
             everything: Annotated[bool, Query(alias="all")] = False) -> dict[str, Any]:
    """Dossiers whose work has ended and that are due at the archive (within the 30-day
    notice or overdue); ``all`` lists every ended dossier not transferred yet."""
    items = services_of(request).archives.due(viewer=account.viewer(), today=local_day(_today()),
                                              everything=everything)
    return {"items": [i.as_dict() for i in items]}


@router.get("/dossiers/{dossier_code}/package",
            response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}},
                             "description": "The package (a BagIt bag) as a ZIP file"}})
def download_package(request: Request, dossier_code: str, account: Archivist) -> FileResponse:
    """Export the closed dossier as a transfer package, validated, and send it as a ZIP;
    ``X-Package-Valid`` says whether it passed every check (the report: validate a
    transfer, or ``sohoa archive validate``)."""
    scratch = Path(tempfile.mkdtemp(prefix="sohoa-export-"))
    try:
        written = services_of(request).archives.export(dossier_code, scratch / "bag",
                                                       viewer=account.viewer())
        archive = shutil.make_archive(str(scratch / written.path.name), "zip",
                                      root_dir=written.path.parent, base_dir=written.path.name)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return FileResponse(archive, media_type="application/zip",
                        filename=f"{written.path.name}.zip",
                        headers={"X-Package-SHA256": written.checksum,
                                 "X-Package-Valid": str(written.report.valid).lower()},
                        background=BackgroundTask(shutil.rmtree, scratch, True))


class NewTransfer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier: str = Field(min_length=1, max_length=64, description="Dossier code")


@router.post("/transfers", status_code=201)
def receive_transfer(request: Request, body: NewTransfer, account: Archivist) -> dict[str, Any]:
    """Package, validate and store the dossier under a retention lock; 409 when the
    package is not valid or the dossier is open or already transferred."""
    record = services_of(request).archives.transfer(body.dossier, viewer=account.viewer())
    return {"transfer": record.as_dict()}


@router.get("/transfers")
def list_transfers(request: Request, account: Archivist) -> dict[str, Any]:
    return {"transfers": [r.as_dict() for r in
                          services_of(request).archives.transfers(viewer=account.viewer())]}


@router.post("/transfers/{dossier_code}/validation")
def validate_transfer(request: Request, dossier_code: str, account: Archivist) -> dict[str, Any]:
    """Read the stored package back (each object against its recorded hash) and validate
    it again: the periodic fixity and signature check of an archive."""
    archives = services_of(request).archives
    scratch = Path(tempfile.mkdtemp(prefix="sohoa-check-"))
    try:
        path = archives.restore_package(dossier_code, scratch, viewer=account.viewer())
        report = archives.validate(path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"report": report.as_dict(), "summary": report.lines_vi()}


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


@router.post("/dossiers/{dossier_code}/holds", status_code=201)
def place_hold(request: Request, dossier_code: str, body: Reason,
               account: Archivist) -> dict[str, Any]:
    """A legal hold (phong tỏa): the dossier cannot be destroyed while it stands."""
    hold = services_of(request).disposals.place_hold(dossier_code, body.reason,
                                                    viewer=account.viewer())
    return {"hold": hold}


@router.get("/dossiers/{dossier_code}/holds")
def list_holds(request: Request, dossier_code: str, account: Archivist) -> dict[str, Any]:
    return {"holds": services_of(request).disposals.holds(dossier_code,
                                                         viewer=account.viewer())}


@router.post("/holds/{hold_id}/release")
def release_hold(request: Request, hold_id: int, body: Reason,
                 account: Archivist) -> dict[str, Any]:
    services_of(request).disposals.release_hold(hold_id, body.reason, viewer=account.viewer())
    return {"hold": hold_id, "released": True}


@router.get("/disposals/review")
def disposal_review(request: Request, account: Archivist) -> dict[str, Any]:
    """Transferred dossiers whose retention has run: what an archivist reviews for
    destruction, with their holds and pending proposals."""
    return {"items": services_of(request).disposals.review_list(viewer=account.viewer(),
                                                               today=local_day(_today()))}


class NewDisposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)


@router.post("/disposals", status_code=201)
def propose_disposal(request: Request, body: NewDisposal, account: Archivist) -> dict[str, Any]:
    """Propose destroying a dossier; 409 when it is permanent, held, or not yet due."""
    proposal = services_of(request).disposals.propose(body.dossier, body.reason,
                                                              viewer=account.viewer())
    return {"disposal": proposal}


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(min_length=1, max_length=255,
                          description="The head's decision (số quyết định hủy)")


@router.post("/disposals/{disposal_id}/approval")
def approve_disposal(request: Request, disposal_id: str, body: Decision,
                     account: Archivist) -> dict[str, Any]:
    """A second archivist approves: the content is destroyed and a signed record issued."""
    return services_of(request).disposals.approve(disposal_id, body.decision,
                                                          viewer=account.viewer())


@router.post("/disposals/{disposal_id}/rejection")
def reject_disposal(request: Request, disposal_id: str, body: Reason,
                    account: Archivist) -> dict[str, Any]:
    services_of(request).disposals.reject(disposal_id, body.reason,
                                                  viewer=account.viewer())
    return {"disposal": disposal_id, "rejected": True}


@router.get("/disposals/{disposal_id}/record", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The signed destruction record (biên bản hủy)"}})
def destruction_record(request: Request, disposal_id: str, account: Archivist) -> Response:
    pdf = services_of(request).disposals.destruction_record(disposal_id, viewer=account.viewer())
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="bien-ban-huy-{disposal_id}.pdf"'})
