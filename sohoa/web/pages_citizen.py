"""The citizen's (or organisation's) vault: find, read, verify, reuse, share, watch.

Everything here is the holder's own: documents in their kho dữ liệu điện tử, the
applications they make with them (reuse instead of paper, NĐ 45/2020 Art. 4), the
grants that let an agency read them — revocable at any moment — and every read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from accounts.service import AccountView
from kernel import local_day
from vault import DocumentRecord, FileRole, InvalidRecordValue, SearchFilters

from ..services import Services
from .agency_choices import AgencyGroup, agency_groups
from .documents import download, view_document
from .forms import form_date
from .i18n import gettext as _
from .render import flash, render
from .session import OwnerUser, services_of

router = APIRouter(prefix="/vault")

KIND_NAMES = {"COMPONENT": "Giấy tờ số hóa", "RESULT": "Kết quả giải quyết"}


def _documents(services: Services, account: AccountView) -> list[DocumentRecord]:
    return services.vault.documents.list_documents(account.vault_owner(), viewer=account.viewer())


@router.get("")
def vault_list(request: Request, account: OwnerUser,
               q: Annotated[str | None, Query(max_length=200)] = None,
               doc_type: Annotated[str | None, Query(max_length=64)] = None,
               dossier: Annotated[str | None, Query(max_length=64)] = None,
               since_text: Annotated[str, Query(alias="since", max_length=10)] = "",
               until_text: Annotated[str, Query(alias="until", max_length=10)] = "") -> Response:
    """The vault with search (accents optional) and filters by type, date and dossier."""
    services = services_of(request)
    since, until = form_date(since_text, _("Từ ngày")), form_date(until_text, _("Đến ngày"))
    documents = _documents(services, account)
    if q and q.strip():
        # Best match first, as the search ranks them (what was typed before what only folds).
        rank = {h.id: n for n, h in enumerate(services.vault.finder.search(
            q, viewer=account.viewer(), filters=SearchFilters(owner=account.vault_owner()),
            limit=200))}
        documents = sorted((d for d in documents if d.id in rank), key=lambda d: rank[d.id])
    if doc_type:
        documents = [d for d in documents if d.doc_type == doc_type]
    if dossier:
        documents = [d for d in documents if d.dossier and dossier in d.dossier]
    if since:
        documents = [d for d in documents if d.created_at.date() >= since]
    if until:
        documents = [d for d in documents if d.created_at.date() <= until]
    types = sorted({d.doc_type for d in _documents(services, account) if d.doc_type})
    return render(request, "citizen/vault.html", documents=documents, q=q or "",
                  doc_type=doc_type or "", dossier=dossier or "", since=since, until=until,
                  types=types, catalogue=services.catalogue, kinds=KIND_NAMES,
                  today=datetime.now(UTC).date())


@router.get("/documents/{document_id}")
def document(request: Request, document_id: str, account: OwnerUser) -> Response:
    services = services_of(request)
    viewer, owner = account.viewer(), account.vault_owner()
    shown = view_document(services, document_id, viewer=viewer,
                          purpose=_("chủ sở hữu xem tài liệu"))
    # The tabs "Lịch sử" and "Chia sẻ": who read this paper, and who may.
    reads = [r for r in services.vault.custody.access_log(owner, viewer=viewer, limit=500)
             if r.document_id == document_id][:50]
    grants = [g for g in services.vault.sharing.grants_of(owner, viewer=viewer)
              if any(d.id == document_id for d in g.documents)]
    return render(request, "citizen/document.html", view=shown, catalogue=services.catalogue,
                  reads=reads, grants=grants, names=services.vault.profiles.names(
                      {r.agency for r in reads if r.agency}))


@router.get("/documents/{document_id}/file")
def document_file(request: Request, document_id: str, account: OwnerUser,
                  variant: FileRole = FileRole.SIGNED) -> Response:
    return download(services_of(request), document_id, variant, viewer=account.viewer(),
                    purpose=_("chủ sở hữu tải tài liệu"),
                    range_header=request.headers.get("range"))


@router.get("/apply")
def apply_form(request: Request, account: OwnerUser,
               document: Annotated[list[str] | None, Query()] = None) -> Response:
    services = services_of(request)
    documents = [d for d in _documents(services, account) if not d.revoked_at]
    return render(request, "citizen/apply.html", documents=documents,
                  chosen=set(document or []), agencies=_agencies(services),
                  procedures=services.vault.procedures.procedures(), preview=None, form={},
                  days=services.settings.sharing.default_days)


@router.post("/apply")
def apply(request: Request, account: OwnerUser,
          agency: Annotated[str, Form(min_length=1, max_length=32)],
          procedure: Annotated[str, Form(min_length=1, max_length=255)],
          purpose: Annotated[str, Form(min_length=1, max_length=500)],
          documents: Annotated[list[str], Form(min_length=1, max_length=100)],
          days: Annotated[int, Form(ge=1)],
          confirm: Annotated[bool, Form()] = False) -> Response:
    """First the preview (exactly what the agency will read, nothing stored), then, with
    ``confirm``, the application: a dossier at the agency and a grant it can use."""
    services = services_of(request)
    settings = services.settings
    if days > settings.sharing.max_days:
        raise InvalidRecordValue(_("Chia sẻ tối đa %(days)s ngày.", days=settings.sharing.max_days))
    owner, viewer = account.vault_owner(), account.viewer()
    if not confirm:
        shared = services.vault.sharing.preview_share(owner, agency, documents, viewer=viewer)
        return render(request, "citizen/apply.html", documents=[], chosen=set(documents),
                      agencies=_agencies(services), procedures=[], preview=shared,
                      form={"agency": agency, "procedure": procedure, "purpose": purpose,
                            "days": days}, days=days,
                      names=services.vault.profiles.names({agency}))
    grant = services.vault.sharing.apply_with_documents(
        owner, agency, documents, procedure=procedure, purpose=purpose,
        expires_at=datetime.now(UTC) + timedelta(days=days), viewer=viewer)
    return flash(RedirectResponse("/vault/grants", status_code=303),
                 _("Đã nộp hồ sơ %(code)s tại %(agency)s; cơ quan được xem các giấy tờ đã chọn.",
                   code=grant.dossier or "", agency=grant.agency_name))


@router.get("/dossiers")
def my_dossiers(request: Request, account: OwnerUser) -> Response:
    services = services_of(request)
    viewer = account.viewer()
    dossiers = services.vault.casework.find_dossiers(viewer=viewer, limit=200)
    procedures = {d.procedure: found.name for d in dossiers if d.procedure
                  and (found := services.vault.procedures.find(d.procedure)) is not None}
    return render(request, "citizen/dossiers.html", dossiers=dossiers, procedures=procedures,
                  names=services.vault.profiles.names({d.agency for d in dossiers}),
                  notices=services.vault.casework.notices(account.vault_owner(), viewer=viewer, limit=50))


@router.get("/grants")
def grants(request: Request, account: OwnerUser) -> Response:
    found = services_of(request).vault.sharing.grants_of(account.vault_owner(), viewer=account.viewer())
    return render(request, "citizen/grants.html", grants=found)


@router.post("/grants/{grant_id}/revocation")
def revoke(request: Request, grant_id: str, account: OwnerUser) -> Response:
    grant = services_of(request).vault.sharing.revoke_grant(grant_id, viewer=account.viewer())
    return flash(RedirectResponse("/vault/grants", status_code=303),
                 _("Đã thu hồi quyền xem của %(agency)s.", agency=grant.agency_name))


@router.get("/access-log")
def access_log(request: Request, account: OwnerUser,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    size = 50
    services = services_of(request)
    reads = services.vault.custody.access_log(account.vault_owner(), viewer=account.viewer(),
                                              limit=size + 1, offset=(page - 1) * size)
    names = services.vault.profiles.names({r.agency for r in reads if r.agency})
    return render(request, "citizen/access_log.html", reads=reads[:size], page=page,
                  more=len(reads) > size, names=names)


def _agencies(services: Services) -> list[AgencyGroup]:
    # An agency's codes end on a Vietnam date.
    return agency_groups(services.vault.agencies.listing(), local_day(datetime.now(UTC)))


