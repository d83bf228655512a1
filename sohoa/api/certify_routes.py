"""Routes for conversion certificates, revocation and the public look-up page (issue 4, 7–10).

``/v/{code}`` is the one page anyone may open without an account: it is what a
printed QR leads to. It says whether the copy is valid and what document it is
a copy of, and nothing about the person it belongs to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from vault import Action, NotFound

from ..presenters import conversion_summary
from ..services import Services
from ..usecases import certify
from ..web.render import day, moment
from .auth import CurrentViewer, Staff

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The public page writes dates and times as the screens do: dd/mm/yyyy, Vietnam time.
templates.env.filters.update(day=day, moment=moment)
DIRECTION_VI = {"paper_to_electronic": "Bản sao điện tử chuyển đổi từ bản giấy",
                "electronic_to_paper": "Bản giấy chuyển đổi từ bản điện tử",
                "certified_from_original": "Bản sao điện tử chứng thực từ bản chính",
                "copy_from_register": "Bản sao điện tử cấp từ sổ gốc"}


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


class CertifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    converter: str | None = Field(None, max_length=255, description="Officer converting")
    copy_form: str = Field("SAO Y", max_length=16, description="SAO Y, SAO LỤC or TRÍCH SAO")
    qr: bool | None = Field(None, description="QR with the conversion data; default: settings")


@router.post("/api/v1/documents/{document_id}/certified-copy", status_code=201,
             tags=["certificates"])
async def certified_copy(request: Request, document_id: str, body: CertifyRequest,
                         account: Staff) -> dict[str, Any]:
    """Paper → electronic: the agency's "SAO Y" signature with the conversion mark, its time
    and agency and an optional QR (REGULATIONS 9.E.37–39), stored as the document's
    ``certified`` file. 409 if the record is not stored yet, the document is revoked or
    already certified."""
    services = _services(request)
    conversion = await run_in_threadpool(
        certify.certify_copy, services, document_id, converter=body.converter,
        copy_form=body.copy_form, qr=body.qr, viewer=account.viewer())
    return {"conversion": conversion_summary(conversion, services.keys.lookup_url)}


class PaperCopyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    converter: str | None = Field(None, max_length=255, description="Officer printing the copy")
    formal: bool = Field(False, description="Add the formal SAO Y block with a copy number")
    copy_form: str = Field("SAO Y", max_length=16, description="SAO Y or SAO LỤC")
    signer_position: str | None = Field(None, max_length=100)
    signer_name: str | None = Field(None, max_length=100)
    recipients: list[str] = Field(default_factory=list, max_length=20)


@router.post("/api/v1/documents/{document_id}/paper-copy", tags=["certificates"],
             response_class=Response,
             responses={200: {"content": {"application/pdf": {}}}})
async def paper_copy(request: Request, document_id: str, body: PaperCopyRequest,
                     account: Staff) -> Response:
    """Electronic → paper: a printable A4 PDF with the TT 01/2023 QR top-left, the system's
    name, the document and look-up codes, the converter and the date (9.E.40, 9.A.14), and
    with ``formal`` the "SAO Y" block with the agency's next copy number (9.E.41)."""
    services = _services(request)
    formal = certify.FormalOptions(body.copy_form, body.signer_position, body.signer_name,
                                   tuple(r.strip() for r in body.recipients if r.strip())
                                   ) if body.formal else None
    conversion, pdf = await run_in_threadpool(
        certify.print_copy, services, document_id, converter=body.converter, formal=formal,
        viewer=account.viewer())
    headers = {"Content-Disposition": f'attachment; filename="ban-in-{conversion.code}.pdf"',
               "X-Lookup-Code": conversion.code,
               "X-Lookup-URL": services.keys.lookup_url(conversion.agency_code,
                                                      conversion.code)}
    if conversion.copy_symbol:
        headers["X-Copy-Number"] = str(conversion.copy_number)
    return Response(pdf, media_type="application/pdf", headers=headers)


class RegisterCopyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    book: str = Field(min_length=1, max_length=60, description="The register (sổ gốc), e.g. "
                      "'đăng ký khai sinh 01/2019'")
    number: str = Field(min_length=1, max_length=30, description="The entry's number in it")
    converter: str | None = Field(None, max_length=255)


@router.post("/api/v1/documents/{document_id}/register-copy", tags=["certificates"],
             response_class=Response,
             responses={200: {"content": {"application/pdf": {}}}})
async def register_copy(request: Request, document_id: str, body: RegisterCopyRequest,
                        account: Staff) -> Response:
    """An electronic copy from the register the agency keeps (cấp bản sao từ sổ gốc,
    REGULATIONS 60), signed with the agency's own key and linked to the register entry;
    only the agency that holds the document issues it."""
    services = _services(request)
    conversion, pdf = await run_in_threadpool(
        certify.copy_from_register, services, document_id, book=body.book, number=body.number,
        converter=body.converter, viewer=account.viewer())
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ban-sao-so-goc-{conversion.code}.pdf"',
        "X-Lookup-Code": conversion.code,
        "X-Lookup-URL": services.keys.lookup_url(conversion.agency_code, conversion.code)})


class RevocationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="Shown on the look-up page")


@router.post("/api/v1/documents/{document_id}/revocation", tags=["certificates"])
def revoke(request: Request, document_id: str, body: RevocationRequest,
           account: Staff) -> dict[str, Any]:
    """Revoke a result (REGULATIONS 9.C.25): it stays stored, and from now on the look-up
    page and verification report it and every copy of it as invalid."""
    services = _services(request)
    services.vault.documents.authorise(document_id, account.viewer(), Action.PROCESS)
    document = services.vault.conversions.revoke(document_id, body.reason, actor=account.actor)
    return {"document": document.as_dict(),
            "copies": [conversion_summary(c, services.keys.lookup_url)
                       for c in services.vault.conversions.conversions_of(document_id)]}


@router.get("/api/v1/documents/{document_id}/conversions", tags=["certificates"])
def conversions(request: Request, document_id: str, viewer: CurrentViewer) -> dict[str, Any]:
    services = _services(request)
    services.vault.documents.authorise(document_id, viewer, Action.READ)
    return {"conversions": [conversion_summary(c, services.keys.lookup_url)
                            for c in services.vault.conversions.conversions_of(document_id)]}


@router.get("/api/v1/lookup/{code}", tags=["look-up"])
async def lookup_json(request: Request, code: str) -> JSONResponse:
    """A look-up code's status for programs: ``valid``, ``revoked``, ``expired``; 404
    ``unknown`` for a code nobody issued."""
    view = await _lookup(request, code)
    if view is None:
        return JSONResponse({"code": code[:32], "status": "unknown", "valid": False,
                             "status_vi": certify.STATUS_VI["unknown"]}, status_code=404)
    return JSONResponse(view)


@router.get("/v/", response_class=HTMLResponse, tags=["look-up"])
async def lookup_box(request: Request, code: str | None = None) -> Response:
    """The look-up page without a code: a box to type the code printed on a copy (``/v``
    comes here too). A code typed there leads to its own page."""
    typed = "".join((code or "").split())[:32]
    if typed:
        return RedirectResponse(f"/v/{quote(typed, safe='')}", status_code=303)
    context = {"view": None, "code": None,
               "system_name": _services(request).settings.agency.system_name}
    return templates.TemplateResponse(request, "lookup.html", context)


@router.get("/v/{code}", response_class=HTMLResponse, tags=["look-up"])
async def lookup_page(request: Request, code: str) -> HTMLResponse:
    """The public page a printed QR or URL leads to, in Vietnamese."""
    view = await _lookup(request, code)
    context = {"view": view, "code": code[:32],
               "system_name": _services(request).settings.agency.system_name,
               "direction_vi": DIRECTION_VI.get(view["conversion"]["direction"], "") if view else ""}
    response = templates.TemplateResponse(request, "lookup.html", context,
                                          status_code=200 if view else 404)
    response.headers["Cache-Control"] = "no-store"  # a revocation shows at the next visit
    return response


async def _lookup(request: Request, code: str) -> dict[str, Any] | None:
    try:
        view = await run_in_threadpool(certify.lookup, _services(request), code[:64])
    except NotFound:
        return None
    return view.as_dict()
