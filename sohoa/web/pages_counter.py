"""The counter (Bộ phận Một cửa): receive a dossier, scan its components, review, file.

The officer's day, screen by screen: the agency's dossiers; a new dossier (what the
vault already holds is attached by itself, so paper is asked only for the rest);
each component's pages dropped in or taken from the scanner's hot folder, with live
progress; each document's pages beside their OCR text, with warnings, and its
record to confirm; the result; the receipt and certified paper copies to print.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from accounts.views import AccountView
from kernel import Viewer, local_day, parse_owner_id
from vault import Action, DossierStatus, FileRole, VaultError
from vault.casework import NEXT
from vault.scan_skips import SKIP_REASONS

from .. import job_kinds
from ..api.uploads import read_upload
from ..jobs import JobNotFound
from ..presenters import digitisation_record
from ..services import Services
from ..usecases import certify, counter, record, review as why_waiting
from ..usecases.receipts import signed_receipt
from ..usecases.results import ResultFields, issue_result
from . import hot_folder
from .documents import download, view_document
from .downloads import attachment
from .forms import FormDay, form_date
from .i18n import N_, gettext as _
from .labels import STATUS_NAMES, status_name
from .render import flash, render
from .session import StaffUser, services_of

router = APIRouter(prefix="/counter")

@router.get("")
def dossiers(request: Request, account: StaffUser,
             status: Annotated[DossierStatus | None, Query()] = None,
             code: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    services = services_of(request)
    viewer = account.viewer()
    found = services.vault.casework.find_dossiers(
        viewer=viewer, status=status, code=code or None, limit=200)
    today = local_day(datetime.now(UTC))
    return render(request, "counter/dossiers.html", dossiers=found, status=status,
                  code=code or "", statuses=STATUS_NAMES, today=today,
                  work=services.vault.workload.workload(viewer, today=today),
                  procedure_names={p.code: p.name
                                   for p in services.vault.procedures.procedures()})


def _dossier_parts(request: Request, code: str, account: AccountView) -> dict[str, Any]:
    """What the components table and the documents list show."""
    services = services_of(request)
    viewer = account.viewer()
    found = services.vault.casework.dossier(code, viewer=viewer)
    documents = {d.id: d for d in services.vault.documents.list_documents(
        parse_owner_id(found.owner), viewer=viewer)}
    waiting = [c for c in found.components if not c.document_id and c.source != "SKIPPED"]
    first = next((c for c in waiting if c.required), waiting[0] if waiting else None)
    return {"dossier": found, "documents": documents,
            "linked": [d for d in documents.values() if d.dossier == code],
            # The owner's other documents this agency may read: shared for this dossier.
            "shared": [d for d in documents.values() if d.dossier != code],
            "next_component": first.code if first else None,
            "skip_reasons": SKIP_REASONS, "open": found.status not in ("COMPLETED", "RETURNED")}


@router.get("/dossiers/{code}")
def dossier(request: Request, code: str, account: StaffUser,
            opened: bool = False) -> Response:
    services = services_of(request)
    parts = _dossier_parts(request, code, account)
    found = parts["dossier"]
    # "Đã có kết quả" is offered only when nothing stands in its way; what does is listed.
    blockers = (services.vault.casework.completion_blockers(code, viewer=account.viewer())
                if parts["open"] and DossierStatus.COMPLETED in NEXT.get(
                    DossierStatus(found.status), ()) else [])
    return render(
        request, "counter/dossier.html", **parts, opened=opened,
        procedure=services.vault.procedures.find(found.procedure or ""),
        component_names={c.code: c.name for c in found.components},
        next_statuses=[s for s in sorted(NEXT.get(DossierStatus(found.status), ()),
                                         key=lambda s: s.value)
                       if s is not DossierStatus.COMPLETED or not blockers],
        blockers=blockers,
        reasons=services.vault.procedures.reasons(),
        doc_types=services.catalogue, hot_files=hot_folder.waiting(services, account),
        needs_pin=services.keys.needs_pin(account.username),
        scan_key=uuid.uuid4().hex,
        can_issue=services.keys.can_issue(found.agency),
        key_contact=services.settings.signing.key_contact,
        owner_name=services.vault.owners.name_of(parse_owner_id(found.owner)))


@router.get("/dossiers/{code}/parts")
def dossier_parts(request: Request, code: str, account: StaffUser) -> Response:
    """The components and documents again, after a scan's job ended."""
    return render(request, "counter/_dossier_parts.html",
                  **_dossier_parts(request, code, account), oob=True)


@router.post("/dossiers/{code}/scans")
async def scan(request: Request, code: str, account: StaffUser,
               component: Annotated[str, Form(max_length=64)],
               files: Annotated[list[UploadFile] | None, File()] = None,
               hot: Annotated[list[str] | None, Form()] = None,
               title: Annotated[str | None, Form(max_length=500)] = None,
               declared_pages: Annotated[int | None, Form(ge=1)] = None,
               force: Annotated[bool, Form()] = False,
               reuse_reason: Annotated[str | None, Form(max_length=500)] = None,
               signing_pin: Annotated[str | None, Form(max_length=64)] = None,
               idempotency_key: Annotated[str | None, Form(max_length=64)] = None) -> Response:
    """Check the pages now (a refusal is shown at once, nothing stored), then OCR, sign and
    file them in a job whose progress the screen follows."""
    services = services_of(request)
    limits = services.settings.intake.limits
    received = [(u.filename or "scan", await read_upload(u, limits.max_file_bytes))
                for u in files or [] if u.filename]
    taken = await run_in_threadpool(hot_folder.take, services, account, hot or [])
    received.extend(taken.files)
    if not received:
        return render(request, "_error.html", status_code=422,
                      message=_("Chưa chọn tệp nào để quét."), problems=[])
    dossier = await run_in_threadpool(services.vault.casework.dossier, code, viewer=account.viewer())
    if signing_pin:
        await run_in_threadpool(services.keys.unlock, account.username, signing_pin)
    batch = await run_in_threadpool(
        counter.prepare, services, received, owner=dossier.owner, dossier=code,
        operator=account.display_name, title=title or None, declared_pages=declared_pages,
        force=force, component=component, reuse_reason=reuse_reason or None,
        viewer=account.viewer())
    job = await run_in_threadpool(job_kinds.submit_digitisation, services, batch,
                                  actor=account.actor, requested_by=account.id,
                                  idempotency_key=idempotency_key or None)
    await run_in_threadpool(taken.done)  # staged: the scanner's files can move aside
    return render(request, "counter/_job_and_key.html", job=job, dossier_code=code,
                  scan_key=uuid.uuid4().hex, oob=True)


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: str, account: StaffUser,
        dossier_code: Annotated[str, Query(max_length=64)] = "") -> Response:
    try:
        found = services_of(request).jobs.get(job_id, requested_by=account.id)
    except JobNotFound:
        return render(request, "_error.html", status_code=404,
                      message=_("Không tìm thấy công việc này."), problems=[])
    ended = found.status not in ("queued", "running")
    # A job that ended changed the dossier: its components table reloads itself.
    return render(request, "counter/_job.html", job=found, dossier_code=dossier_code,
                  headers={"HX-Trigger": "dossier-changed"} if ended and dossier_code else None)


#: What the reading found (``digitize.extract.FieldName``), as the review lists it.
READ_FIELD_NAMES = {
    "doc_type": N_("Loại giấy tờ"), "doc_name": N_("Tên giấy tờ"),
    "number_symbol": N_("Số, ký hiệu"), "issue_date": N_("Ngày ban hành"),
    "issuing_body": N_("Cơ quan ban hành"), "summary": N_("Trích yếu"),
    "signer_name": N_("Người ký"), "signer_position": N_("Chức vụ người ký"),
    "personal_id": N_("Số định danh cá nhân"), "previous_id": N_("Số CMND cũ"),
    "full_name": N_("Họ và tên"), "birth_date": N_("Ngày sinh"), "sex": N_("Giới tính"),
    "address": N_("Nơi thường trú"), "tax_code": N_("Mã số thuế"),
}


#: The digitisation record's fields on the review form (REGULATIONS 46–47), in the order
#: the paper shows them: name, label, input type. ``owner_id`` is the dossier's.
RECORD_FIELDS = (
    ("doc_type_code", N_("Loại giấy tờ"), "select"),
    ("owner_id", N_("Mã định danh chủ sở hữu"), "fixed"),
    ("doc_name", N_("Tên giấy tờ"), "text"),
    ("number_symbol", N_("Số, ký hiệu"), "text"),
    ("issue_date", N_("Ngày ban hành"), "date"),
    ("issuing_body", N_("Cơ quan ban hành"), "text"),
    ("summary", N_("Trích yếu"), "textarea"),
    ("valid_until", N_("Có hiệu lực đến"), "date"),
    ("validity_scope", N_("Phạm vi hiệu lực"), "text"),
    ("signer_name", N_("Người ký"), "text"),
    ("signer_position", N_("Chức vụ người ký"), "text"),
)


@router.get("/documents/{document_id}")
def review(request: Request, document_id: str, account: StaffUser) -> Response:
    services = services_of(request)
    shown = view_document(services, document_id, viewer=account.viewer(),
                          purpose=_("cán bộ xem xét tài liệu của hồ sơ"))
    threshold = services.settings.records.auto_store_confidence
    viewer = account.viewer()
    # Only what this officer may do is offered: another agency reading a shared paper
    # sees it, without the record form, the print button or a dossier it cannot open.
    may_process = _permitted(services, document_id, viewer)
    return render(request, "counter/review.html", view=shown, may_process=may_process,
                  may_open_dossier=may_process and shown.document.dossier is not None,
                  record=digitisation_record(shown.document, services.vault.required_fields),
                  doc_types=services.catalogue, fields=RECORD_FIELDS,
                  field_names={name: label for name, label, _kind in RECORD_FIELDS},
                  read_names=READ_FIELD_NAMES,
                  evidence=why_waiting.evidence(shown.document, threshold),
                  waiting=why_waiting.waiting(shown.document, threshold=threshold,
                                         required=services.vault.required_fields))


def _permitted(services: Services, document_id: str, viewer: Viewer) -> bool:
    """Whether ``viewer`` may work on the document (its record, copies, printing)."""
    try:
        services.vault.documents.authorise(document_id, viewer, Action.PROCESS)
    except VaultError:
        return False
    return True


@router.get("/documents/{document_id}/reading")
def still_reading(request: Request, document_id: str, account: StaffUser) -> Response:
    """Polled by a review page while the pages are read: 204 until then, after which the
    page reloads itself with what was read (``HX-Refresh``)."""
    found = services_of(request).vault.documents.get_document(document_id,
                                                              viewer=account.viewer())
    if found.status == "SCANNED":
        return Response(status_code=204)
    return Response(status_code=200, headers={"HX-Refresh": "true"})


@router.get("/documents/{document_id}/file")
def document_file(request: Request, document_id: str, account: StaffUser,
                  variant: FileRole = FileRole.SIGNED) -> Response:
    return download(services_of(request), document_id, variant, viewer=account.viewer(),
                    purpose=_("cán bộ tải tài liệu của hồ sơ"),
                    range_header=request.headers.get("range"))


@router.post("/documents/{document_id}/record")
async def save_record(request: Request, document_id: str, account: StaffUser) -> Response:
    """Confirm or correct the record; a complete record is coded and stored (CODED → STORED).
    Empty fields keep their value; the required ones still empty are named."""
    form = await request.form()
    changes: dict[str, Any] = {}
    for name, label, kind in RECORD_FIELDS:
        value = form.get(name)
        if kind == "fixed" or not isinstance(value, str) or not value.strip():
            continue
        if kind == "date":  # dd/mm/yyyy on the screen, a date in the record
            day = form_date(value, _(label), field=name)
            changes[name] = day.isoformat() if day else None
        else:
            changes[name] = value.strip()
    services = services_of(request)
    await run_in_threadpool(record.save, services, document_id, changes,
                            viewer=account.viewer())
    return flash(RedirectResponse(f"/counter/documents/{document_id}", status_code=303),
                 _("Đã lưu thông tin tài liệu."))


@router.post("/dossiers/{code}/opinions")
def opinion(request: Request, code: str, account: StaffUser,
            text: Annotated[str, Form(min_length=1, max_length=4000)],
            official: Annotated[str, Form(min_length=1, max_length=100)],
            position: Annotated[str | None, Form(max_length=100)] = None) -> Response:
    services_of(request).vault.casework.add_opinion(code, text=text, official=official,
                                           position=position or None, viewer=account.viewer())
    return _back(code, _("Đã ghi ý kiến."))


@router.post("/dossiers/{code}/components/{component}/skip")
def skip_scan(request: Request, code: str, component: str, account: StaffUser,
              reason_code: Annotated[str, Form(min_length=1, max_length=32)],
              note: Annotated[str | None, Form(max_length=500)] = None) -> Response:
    """Receive a component without copying it, for a reason the circular allows."""
    services_of(request).vault.intake.skip_scan(code, component, reason_code,
                                                note=note or None, viewer=account.viewer())
    return _back(code, _("Đã ghi nhận không sao chụp: %(reason)s.",
                         reason=SKIP_REASONS[reason_code]))


@router.post("/dossiers/{code}/results")
async def result(request: Request, code: str, account: StaffUser,
                 file: Annotated[UploadFile, File()],
                 title: Annotated[str, Form(min_length=1, max_length=500)],
                 doc_type: Annotated[str, Form(min_length=1, max_length=64)],
                 number_symbol: Annotated[str, Form(min_length=1, max_length=64)],
                 valid_until: Annotated[FormDay, Form()] = None,
                 signer_name: Annotated[str | None, Form(max_length=100)] = None,
                 signer_position: Annotated[str | None, Form(max_length=100)] = None) -> Response:
    services = services_of(request)
    data = await read_upload(file, services.settings.intake.max_file_bytes)
    fields = ResultFields(title=title, doc_type=doc_type, number_symbol=number_symbol,
                          valid_until=valid_until, signer_name=signer_name or None,
                          signer_position=signer_position or None)
    await run_in_threadpool(issue_result, services, code, data, fields, viewer=account.viewer())
    return _back(code, _("Đã ký số và lưu kết quả vào kho của công dân."))


@router.post("/dossiers/{code}/transitions")
def transition(request: Request, code: str, account: StaffUser,
               to: Annotated[DossierStatus, Form()],
               reason_code: Annotated[str | None, Form(max_length=64)] = None,
               notice: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    services_of(request).vault.casework.transition(code, to, viewer=account.viewer(),
                                          reason_code=reason_code or None, notice=notice or None)
    return _back(code, _("Hồ sơ đã chuyển sang: %(status)s.", status=status_name(to.value)))


@router.get("/dossiers/{code}/receipt.pdf")
async def receipt(request: Request, code: str, account: StaffUser) -> Response:
    """The receipt slip with its QR, to print and hand to the citizen."""
    services = services_of(request)
    found = await run_in_threadpool(services.vault.casework.dossier, code,
                                    viewer=account.viewer())
    pdf = await run_in_threadpool(signed_receipt, services, found, account.display_name)
    return attachment(pdf, f"bien-nhan-{code}.pdf", inline=True)


@router.post("/documents/{document_id}/paper-copy")
def paper_copy(request: Request, document_id: str, account: StaffUser) -> Response:
    """A certified paper copy (electronic → paper) with its look-up code, to print."""
    services = services_of(request)
    conversion, pdf = certify.print_copy(services, document_id, converter=account.display_name,
                                         viewer=account.viewer())
    return attachment(pdf, f"ban-giay-{conversion.code}.pdf", inline=True)


@router.get("/hot-folder")
def hot_folder_page(request: Request, account: StaffUser) -> Response:
    services = services_of(request)
    return render(request, "counter/hot_folder.html",
                  configured=services.settings.intake.hot_folder is not None,
                  folder=hot_folder.folder_of(services, account),
                  files=hot_folder.waiting(services, account))


def _back(code: str, notice: str) -> Response:
    return flash(RedirectResponse(f"/counter/dossiers/{code}", status_code=303), notice)
