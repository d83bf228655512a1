"""Dossiers (hồ sơ): receive, reuse from the vault, work on, issue the result, tell the citizen.

Staff of the receiving agency do the work; the owner reads their dossier and the
notices about it; archivists read dossiers handed to the archive. Every change
is a row of the dossier's history, and the code never changes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from kernel import OwnerKind, parse_owner_id
from vault import DossierStatus
from vault.owner_check import NewOwner
from vault.scan_skips import SKIP_REASONS

from ..presenters import document_summary
from ..usecases.results import ResultFields, issue_result
from .auth import CurrentAccount, CurrentViewer, OwnerAccount, Staff, services_of
from .uploads import read_upload

router = APIRouter(tags=["dossiers"])


@router.get("/api/v1/procedures")
def procedures(request: Request, _account: CurrentAccount) -> dict[str, Any]:
    """The procedure catalogue: each procedure's components and the document types that
    satisfy them, and the reason codes for stopping a dossier."""
    catalogue = services_of(request).vault.procedures
    return {"procedures": [p.as_dict() for p in catalogue.procedures()],
            "reasons": [{"code": r.code, "name": r.name, "for": list(r.applies_to)}
                        for r in catalogue.reasons()],
            "scan_skip_reasons": [{"code": code, "name": name}
                                  for code, name in SKIP_REASONS.items()]}


class NewDossier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(min_length=10, max_length=20, description=(
        "Personal ID (12 digits), tax code, a foreigner's HC-<country>-<passport> or a "
        "KDD-… reference of the applicant"))
    owner_kind: OwnerKind | None = Field(None, description=(
        "'citizen', 'organisation' or 'foreigner': the owner must then be of that kind's "
        "form, never taken for another; omitted: told apart by form"))
    procedure: str = Field(min_length=1, max_length=255,
                           description="Procedure code from the catalogue (or its name)")
    due_on: date | None = Field(None, description="Ngày hẹn trả kết quả")
    owner_name: str | None = Field(None, max_length=255, description=(
        "The applicant's name: needed, with owner_kind and new_owner, when no vault exists "
        "for this ID yet"))
    new_owner: bool = Field(False, description=(
        "The officer checked the ID against the applicant's papers and confirms a new "
        "vault for them; without it an unknown ID answers 422 new_owner_unconfirmed"))


@router.post("/api/v1/dossiers", status_code=201)
def open_dossier(request: Request, body: NewDossier, account: Staff) -> dict[str, Any]:
    """Receive a dossier at the caller's agency. For a catalogued procedure the owner's
    vault documents that satisfy a required component are attached by reference (the
    owner is told and can revoke); ``missing_components`` is what is left to scan. An ID
    no vault has needs ``owner_name``, ``owner_kind`` and ``new_owner: true``: 422 lists
    the ones missing (a mistyped ID must not open a vault for nobody)."""
    services = services_of(request)
    viewer = account.viewer()
    dossier = services.vault.intake.open_case(
        viewer.agency or "", parse_owner_id(body.owner, body.owner_kind),
        procedure=body.procedure,
        viewer=viewer, due_on=body.due_on, reuse_days=services.settings.sharing.reuse_days,
        new_owner=NewOwner(body.owner_name or "", body.owner_kind, body.new_owner))
    return {"dossier": dossier.as_dict()}


class OwnerQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(min_length=1, max_length=20)
    owner_kind: OwnerKind | None = None
    procedure: str | None = Field(None, max_length=255)


@router.post("/api/v1/owners/check")
def check_owner(request: Request, body: OwnerQuery, account: Staff) -> dict[str, Any]:
    """Whose vault this is, before anything is written (the ID travels in the body, not
    the address, so no log keeps it): the owner's name, how many documents the vault
    holds and which of them the procedure's components would take; ``known: false`` for
    an ID no vault has. Audited."""
    found = services_of(request).vault.owners.check_owner(
        parse_owner_id(body.owner, body.owner_kind), procedure=body.procedure,
        viewer=account.viewer())
    return {"owner": found.as_dict()}


@router.get("/api/v1/dossiers")
def list_dossiers(
    request: Request, viewer: CurrentViewer,
    status: DossierStatus | None = None,
    code: Annotated[str | None, Query(max_length=64, description="Part of the code")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """The dossiers the caller may see, newest first."""
    found = services_of(request).vault.casework.find_dossiers(viewer=viewer, status=status, code=code,
                                                     limit=limit, offset=offset)
    return {"dossiers": [d.as_dict() for d in found]}


@router.get("/api/v1/dossiers/{dossier_code}")
def get_dossier(request: Request, dossier_code: str, viewer: CurrentViewer) -> dict[str, Any]:
    """Components, history with officials' opinions, and results."""
    return {"dossier": services_of(request).vault.casework.dossier(dossier_code, viewer=viewer).as_dict()}


class Transition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: DossierStatus
    reason_code: str | None = Field(None, max_length=64,
                                    description="Required to ask for more, park or return")
    notice: str | None = Field(None, max_length=2000,
                               description="What the citizen is told (required with a reason)")


@router.post("/api/v1/dossiers/{dossier_code}/transitions")
def transition(request: Request, dossier_code: str, body: Transition,
               account: Staff) -> dict[str, Any]:
    """Move the dossier on. Asking for more documents, parking and returning need a reason
    code and a notice; completing needs every required component and a result."""
    dossier = services_of(request).vault.casework.transition(
        dossier_code, body.to, viewer=account.viewer(), reason_code=body.reason_code,
        notice=body.notice)
    return {"dossier": dossier.as_dict()}


class Amendment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_on: date
    reason: str = Field(min_length=1, max_length=1000)


@router.post("/api/v1/dossiers/{dossier_code}/amendments")
def amend(request: Request, dossier_code: str, body: Amendment,
          account: Staff) -> dict[str, Any]:
    """Move the promised date, with the reason; the history keeps both dates."""
    dossier = services_of(request).vault.casework.amend(dossier_code, due_on=body.due_on,
                                               reason=body.reason, viewer=account.viewer())
    return {"dossier": dossier.as_dict()}


class Opinion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)
    official: str = Field(min_length=1, max_length=100)
    position: str | None = Field(None, max_length=100)


@router.post("/api/v1/dossiers/{dossier_code}/opinions", status_code=201)
def add_opinion(request: Request, dossier_code: str, body: Opinion,
                account: Staff) -> dict[str, Any]:
    """An official's opinion on the dossier, kept with it for the archive."""
    dossier = services_of(request).vault.casework.add_opinion(
        dossier_code, text=body.text, official=body.official, position=body.position,
        viewer=account.viewer())
    return {"dossier": dossier.as_dict()}


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, max_length=36)
    reason: str | None = Field(None, max_length=500, description="Why the paper was asked for "
                               "again when the vault already held it")


@router.post("/api/v1/dossiers/{dossier_code}/components/{component}")
def attach(request: Request, dossier_code: str, component: str, body: Attachment,
           account: Staff) -> dict[str, Any]:
    """Record which document satisfies a component."""
    dossier = services_of(request).vault.intake.attach(dossier_code, component, body.document,
                                                viewer=account.viewer(), reason=body.reason)
    return {"dossier": dossier.as_dict()}


class Unidentified(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplementary: dict[str, str] = Field(max_length=20, description=(
        "The supplementary-owner block: the fields SOHOA_RECORD_SUPPLEMENTARY_OWNER_FIELDS "
        "names (by default full_name, birth_date, nationality, identity_document, address)"))


@router.post("/api/v1/owners/unidentified", status_code=201)
def register_unidentified(request: Request, body: Unidentified,
                          account: Staff) -> dict[str, Any]:
    """A person with no personal ID or tax code (REGULATIONS 48): their block is required,
    and they get a reference (KDD-…) to use as ``owner`` in every other call; the owner
    segment of their documents' result codes stays empty."""
    services = services_of(request)
    owner = services.vault.unidentified.register(
        body.supplementary, services.settings.records.supplementary_fields,
        viewer=account.viewer())
    return {"owner": owner.value, "kind": owner.kind.value}


class ScanSkip(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: str = Field(min_length=1, max_length=32, description=(
        "ONLINE_ELECTRONIC, PRESENT_ONLY, PARTICIPATING_RESULT or CONFIDENTIAL "
        "(GET /api/v1/procedures lists them with their names)"))
    note: str | None = Field(None, max_length=500)


@router.post("/api/v1/dossiers/{dossier_code}/components/{component}/scan-skip")
def skip_scan(request: Request, dossier_code: str, component: str, body: ScanSkip,
              account: Staff) -> dict[str, Any]:
    """Receive a component without copying it, for a reason TT 03/2025 allows (REGULATIONS
    52); the skip and its reason code are kept in the history."""
    dossier = services_of(request).vault.intake.skip_scan(
        dossier_code, component, body.reason_code, note=body.note, viewer=account.viewer())
    return {"dossier": dossier.as_dict()}


@router.post("/api/v1/dossiers/{dossier_code}/results", status_code=201)
async def post_result(
    request: Request, dossier_code: str, account: Staff,
    file: Annotated[UploadFile, File(description="The result as issued, a PDF")],
    title: Annotated[str, Form(min_length=1, max_length=500)],
    doc_type: Annotated[str, Form(min_length=1, max_length=64,
                                  description="Document-type code of the result")],
    number_symbol: Annotated[str, Form(min_length=1, max_length=64, description="Số, ký hiệu")],
    valid_until: Annotated[date | None, Form()] = None,
    signer_name: Annotated[str | None, Form(max_length=100)] = None,
    signer_position: Annotated[str | None, Form(max_length=100)] = None,
) -> dict[str, Any]:
    """Sign the result as the agency and file it into the owner's vault as
    ``<dossier code>-KQ<n>``."""
    services = services_of(request)
    data = await read_upload(file, services.settings.intake.max_file_bytes)
    fields = ResultFields(title=title, doc_type=doc_type, number_symbol=number_symbol,
                          valid_until=valid_until, signer_name=signer_name,
                          signer_position=signer_position)
    record = await run_in_threadpool(issue_result, services, dossier_code, data, fields,
                                     viewer=account.viewer())
    return {"document": document_summary(record, services.vault.required_fields)}


@router.get("/api/v1/me/notices")
def my_notices(request: Request, account: OwnerAccount,
               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """What the caller was told about their dossiers: requests for more documents, stops,
    returns with their reasons, results, reuse of their vault documents."""
    notices = services_of(request).vault.casework.notices(account.vault_owner(),
                                                 viewer=account.viewer(), limit=limit)
    return {"notices": [n.as_dict() for n in notices]}
