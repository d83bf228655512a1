"""Routes of API version 1. Each parses, calls one service function, and formats.

Every route names who may call it (``Staff``, ``CurrentViewer``…); the vault then
shows each viewer only what they may see, and someone else's record is a 404.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from digitize.separators import Separator, separator_sheet
from kernel import OwnerKind, Viewer, day_end, day_start, parse_owner_id
from vault import FileRole, SearchFilters

from .. import job_kinds
from ..file_responses import disposition, requested_range, streamed
from ..health import readiness
from ..jobs import JobNotFound
from ..metrics import REGISTRY
from ..presenters import digitisation_record, document_summary, with_registry
from ..services import Services
from ..usecases import certify, counter, record
from ..usecases.untrusted import verify_untrusted
from .auth import Caller, CurrentAccount, CurrentViewer, OwnerAccount, Staff
from .uploads import read_upload

router = APIRouter()


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


@router.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    """Liveness: the process answers (restart it if this fails)."""
    return {"status": "ok"}


@router.get("/readyz", tags=["ops"])
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database, the blob store and (with Celery) the broker answer;
    503 with Retry-After while one does not (send counters elsewhere meanwhile)."""
    services = _services(request)
    checks = readiness(services)
    if all(checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503,
                        headers={"Retry-After": str(services.settings.server.retry_after_seconds)})


@router.get("/metrics", tags=["ops"], include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics, for the bearer of SOHOA_METRICS_TOKEN (404 while it is unset)."""
    token = _services(request).settings.server.metrics_token
    if token is None:
        raise HTTPException(404, "metrics are off: set SOHOA_METRICS_TOKEN")
    offered = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
    if not hmac.compare_digest(offered, token.get_secret_value().encode()):
        raise HTTPException(401, "cần mã truy cập chỉ số (metrics token required)",
                            headers={"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@router.post("/api/v1/digitize", status_code=202, tags=["digitize"])
async def digitize(
    request: Request,
    account: Staff,
    files: Annotated[list[UploadFile], File(
        description="Scans: PDF, JPEG, PNG, TIFF or HEIC, in page order")],
    owner: Annotated[str, Form(max_length=32,
                               description="Personal ID (12 digits) or tax code of the owner")],
    owner_kind: Annotated[OwnerKind | None, Form(description=(
        "Whose vault: 'citizen' (then owner must be a 12-digit personal ID) or "
        "'organisation' (a tax code); a number of the other length is refused, never "
        "taken for the other kind. Omitted: told apart by length"))] = None,
    dossier: Annotated[str | None, Form(
        max_length=64, description="Dossier code to link the documents to")] = None,
    operator: Annotated[str | None, Form(
        max_length=120, description="Name of the officer who scanned")] = None,
    each: Annotated[bool, Form(description="One document per file instead of one in all")] = False,
    title: Annotated[str | None, Form(max_length=500)] = None,
    split: Annotated[bool, Form(description="Cut the batch at separator sheets")] = False,
    declared_pages: Annotated[int | None, Form(
        ge=1, le=100_000, description="Paper pages the officer counted (checked against the scan)")] = None,
    force: Annotated[bool, Form(
        description="File even with blocking capture problems (the officer confirms)")] = False,
    component: Annotated[str | None, Form(
        max_length=64, description="The dossier component these pages are")] = None,
    reuse_reason: Annotated[str | None, Form(
        max_length=500, description="Why the paper is scanned although the vault holds it")]
    = None,
    signing_pin: Annotated[str | None, Form(
        max_length=64, description="The officer's PIN, when their own key needs it and none "
        "is held: checked, then held (sealed) for SOHOA_PIN_SESSION_MINUTES")] = None,
    idempotency_key: Annotated[str | None, Header(
        alias="Idempotency-Key", max_length=200,
        description="The client's name for this request: sent again (an answer lost on "
        "the way), the first request's job is returned, nothing is filed twice")] = None,
) -> JSONResponse:
    """Check the scans now (4xx if refused, nothing stored); OCR, sign and file them in a job.
    Counter staff only; a dossier named must be one their agency received."""
    services = _services(request)
    limits = services.settings.intake.limits
    received = []
    for upload in files:
        received.append((upload.filename or "scan",
                         await read_upload(upload, limits.max_file_bytes)))
    if signing_pin:
        await run_in_threadpool(services.keys.unlock, account.username, signing_pin)
    batch = await run_in_threadpool(
        counter.prepare, services, received, owner=owner, owner_kind=owner_kind,
        dossier=dossier,
        operator=operator, each=each, title=title, split=split,
        declared_pages=declared_pages, force=force, component=component,
        reuse_reason=reuse_reason, viewer=account.viewer(),
    )
    job = await run_in_threadpool(job_kinds.submit_digitisation, services, batch,
                                  actor=account.actor, requested_by=account.id,
                                  idempotency_key=idempotency_key)
    # Documents of the batch refused for a blocking capture problem, to scan again; the
    # others are in the job.
    refused = [problem.as_dict() for problem in batch.refused]
    return JSONResponse({"job": job.as_dict(), "refused": refused}, status_code=202,
                        headers={"Location": f"/api/v1/jobs/{job.id}"})


@router.post("/api/v1/verify", tags=["signatures"])
async def verify(
    request: Request,
    _account: CurrentAccount,
    file: Annotated[UploadFile, File(description="Any PDF, signed or not")],
) -> dict[str, Any]:
    """Validate every signature in a PDF: signer, PAdES level reached, signing time,
    timestamp, coverage, changes after signing, trust, revocation and a bottom line.
    ``registry`` says what this service knows of the file: a result it revoked, or one
    past its validity, is not valid whatever its signatures say. Nothing is stored."""
    services = _services(request)
    data = await read_upload(file, services.settings.intake.max_file_bytes)
    report = await run_in_threadpool(verify_untrusted, data, services.settings, services.trust)
    registry = await run_in_threadpool(certify.registry_standing, services, data)
    return with_registry(report.as_dict(), registry)


@router.get("/pki/dev-root.crl", tags=["signatures"], include_in_schema=False)
def dev_root_crl(request: Request) -> Response:
    """The development root's CRL, named in the development certificates (DEV ONLY)."""
    services = _services(request)
    if not services.settings.signing.trust_dev_root:
        raise HTTPException(404, "no development PKI")
    return Response(services.pki.crl(), media_type="application/pkix-crl")


@router.get("/api/v1/dossiers/{dossier_code}/separator", tags=["digitize"])
def separator_sheet_pdf(
    request: Request, dossier_code: str, account: Staff,
    component: Annotated[str, Query(min_length=1, max_length=64, description="Component code")],
    owner: Annotated[str, Query(description="Owner of the dossier")],
    label: Annotated[str, Query(max_length=200, description="Component name")] = "",
) -> Response:
    """A printable separator sheet: put it in front of the component in the feeder."""
    services = _services(request)
    services.vault.intake.check_dossier(dossier_code, parse_owner_id(owner), viewer=account.viewer())
    pdf = separator_sheet(Separator(dossier_code, component, label))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": disposition(f"to-phan-tach-{component}.pdf")})


@router.get("/api/v1/jobs/{job_id}", tags=["jobs"])
def get_job(request: Request, job_id: str, account: CurrentAccount) -> dict[str, Any]:
    """A job's progress and result, for the account that asked for it."""
    try:
        return {"job": _services(request).jobs.get(job_id, requested_by=account.id).as_dict()}
    except JobNotFound:
        raise HTTPException(404, detail="no such job") from None


@router.get("/api/v1/owners/{owner_id}/documents", tags=["vault"])
async def list_documents(request: Request, owner_id: str, caller: Caller) -> dict[str, Any]:
    """The documents of a vault that the caller may see: all of them for the owner, those of
    the agency's dossiers or shared with it for staff; 404 when that is none at all."""
    owner = parse_owner_id(owner_id)
    services = _services(request)

    def listed(viewer: Viewer) -> dict[str, Any]:
        records = services.vault.documents.list_documents(owner, viewer=viewer)
        if not records and not viewer.holds(owner.value):
            raise HTTPException(404, "không tìm thấy kho dữ liệu (no such vault)")
        return {"documents": [document_summary(r, services.vault.required_fields)
                              for r in records]}

    return await caller.run(listed)


@router.get("/api/v1/search", tags=["vault"])
async def search(
    request: Request, caller: Caller,
    q: Annotated[str, Query(min_length=1, max_length=200, description=(
        'Words to find, with or without accents; "a phrase" in quotes; a beginning with *'))],
    owner: Annotated[str | None, Query(description="Only this owner's vault")] = None,
    doc_type: Annotated[str | None, Query(max_length=64)] = None,
    agency: Annotated[str | None, Query(max_length=64, description=(
        "Only documents this agency (its code) digitised or received"))] = None,
    filed_from: Annotated[date | None, Query(description="Filed on or after (yyyy-mm-dd)")] = None,
    filed_to: Annotated[date | None, Query(description="Filed on or before (yyyy-mm-dd)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """Documents whose OCR text or metadata hold every word ("quyet dinh" finds "quyết
    định"), among those the caller may see: those matching as typed first, each group
    by relevance (BM25); ``highlights`` marks where the title holds what was asked."""
    finder = _services(request).vault.finder
    filters = SearchFilters(
        owner=parse_owner_id(owner) if owner else None, doc_type=doc_type, agency=agency,
        filed_from=day_start(filed_from), filed_to=day_end(filed_to))
    hits = await caller.run(lambda viewer: finder.search(
        q, viewer=viewer, filters=filters, limit=limit, offset=offset))
    return {"hits": [h.as_dict() for h in hits]}


@router.get("/api/v1/me/access-log", tags=["vault"])
def access_log(
    request: Request, account: OwnerAccount,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Every read of the caller's documents, newest first: who, which agency, by which
    right (owner, agency, grant, archive), which grant, when and why (REGULATIONS 9.D.35)."""
    reads = _services(request).vault.custody.access_log(
        account.vault_owner(), viewer=account.viewer(), limit=limit,
        offset=offset)
    return {"reads": [r.as_dict() for r in reads]}


@router.get("/api/v1/documents/{document_id}", tags=["vault"])
async def get_document(request: Request, document_id: str, caller: Caller) -> dict[str, Any]:
    """A document's metadata and digitisation record, for whoever may see it."""
    services = _services(request)
    document = await caller.run(lambda viewer: services.vault.documents.get_document(
        document_id, viewer=viewer))
    return {"document": document.as_dict(),
            "record": digitisation_record(document, services.vault.required_fields)}


class RecordChanges(BaseModel):
    """Values staff confirm or correct; fields left out keep their current value."""

    model_config = ConfigDict(extra="forbid")

    doc_type_code: str | None = Field(None, max_length=64)
    doc_name: str | None = Field(None, max_length=500)
    number_symbol: str | None = Field(None, max_length=64)
    issue_date: date | None = None
    issuing_body: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=500)
    valid_until: date | None = None
    validity_scope: str | None = Field(None, max_length=255)
    signer_name: str | None = Field(None, max_length=100)
    signer_position: str | None = Field(None, max_length=100)
    kind: Literal["COMPONENT", "RESULT"] | None = None


@router.put("/api/v1/documents/{document_id}/record", tags=["vault"])
def save_record(request: Request, document_id: str, changes: RecordChanges,
                account: Staff) -> dict[str, Any]:
    """Confirm or correct the digitisation record; 422 names the required fields still empty.

    The first complete save assigns the digitisation-result code and stores the
    record; values that differ from what OCR read are recorded as MANUAL. Staff of the
    agency that received the dossier only.
    """
    services = _services(request)
    saved = record.save(services, document_id, changes.model_dump(exclude_unset=True),
                        viewer=account.viewer())
    return {"document": saved.as_dict(),
            "record": digitisation_record(saved, services.vault.required_fields)}


@router.get("/api/v1/documents/{document_id}/file", tags=["vault"])
def get_document_file(
    request: Request,
    document_id: str,
    viewer: CurrentViewer,
    variant: Annotated[FileRole, Query()] = FileRole.SIGNED,
    part: Annotated[int, Query(ge=1, le=10_000)] = 1,
    purpose: Annotated[str | None, Query(max_length=200, description=(
        "Why the file is read; shown to the owner in their access log"))] = None,
) -> Response:
    """One file of a document, verified, sent as it is read; the read is logged. A
    ``Range`` header asks for part of it (206), as a download manager resuming does."""
    wanted = requested_range(request.headers.get("range"))
    opened = _services(request).vault.documents.open_file(
        document_id, variant.value, part=part, viewer=viewer, purpose=purpose, wanted=wanted)
    return streamed(opened, ranged=wanted is not None,
                    headers={"X-Content-SHA256": opened.sha256})


