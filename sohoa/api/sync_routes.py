"""Counter nodes over HTTP: the centre's intake of a node's documents, a node's sync status.

A node digitises, signs and files on its own while the centre is out of reach
(`sohoa.usecases.sync`) and sends each filed document here afterwards. The node logs in
with a staff account of its agency; documents are filed in that account's name.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from accounts.service import AccountView
from kernel import Role

from ..presenters import document_summary
from ..usecases.sync.bundle import parse_bundle
from ..usecases.sync.outbox import Outbox
from ..usecases.sync.receive import receive
from .auth import Staff, role_in, services_of
from .uploads import read_upload

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

NodeReader = Annotated[AccountView, Depends(role_in(Role.STAFF, Role.ADMIN))]


@router.post("/documents", status_code=201, responses={200: {"description": "Filed before"}})
async def receive_document(
    request: Request,
    account: Staff,
    manifest: Annotated[str, Form(max_length=10_000_000, description="The bundle's manifest "
                                  "(JSON: the document's facts and each file's SHA-256)")],
    pdfa: Annotated[UploadFile, File(description="The PDF/A the node made")],
    signed: Annotated[UploadFile, File(description="The PDF/A with the operator's signature")],
    text: Annotated[UploadFile, File(description="The OCR text, pages split by form feeds")],
    original: Annotated[list[UploadFile] | None, File(description=(
        "The scans, in page order; none when the node keeps only the PDF/A"))] = None,
) -> JSONResponse:
    """File a counter node's document in its owner's vault: 201 when filed now, 200 with the
    same document when this node sent it before. The operator signature must verify here."""
    services = services_of(request)
    limit = services.settings.intake.limits.max_file_bytes
    scans = [await read_upload(upload, limit) for upload in original or []]
    bundle = parse_bundle(manifest, scans, await read_upload(pdfa, limit),
                          await read_upload(signed, limit), await read_upload(text, limit))
    received = await run_in_threadpool(receive, services, bundle, account_id=account.id,
                                       viewer=account.viewer())
    return JSONResponse({"document": document_summary(received.document),
                         "created": received.created},
                        status_code=201 if received.created else 200)


@router.get("/status")
def sync_status(request: Request, account: NodeReader) -> dict[str, Any]:
    """A node's link to the centre and its outbox: documents waiting, sent, refused;
    ``{"node": false}`` from a service that is not a counter node."""
    syncer = getattr(request.app.state, "syncer", None)
    if syncer is None:
        return {"node": False}
    counts = Outbox(services_of(request).sessions).counts()
    status = syncer.status
    return {
        "node": True, "central_url": status.central_url, "link": status.link,
        "last_pass_at": status.last_pass_at.isoformat() if status.last_pass_at else None,
        "last_error": status.last_error, "pending": counts.pending, "sent": counts.sent,
        "last_sent_at": counts.last_sent_at.isoformat() if counts.last_sent_at else None,
        "refused": [{"document": r.document_id, "code": r.code, "message": r.message,
                     "attempts": r.attempts} for r in counts.refused],
    }
