"""Receiving a dossier at the counter (tiếp nhận hồ sơ): whose vault, then the dossier.

Before anything is written the screen shows whose vault the number names — the
owner's name, what the vault holds, what the procedure will take from it — or that
no vault has it, in which case the officer types the name (or scans the căn cước
QR) and confirms a new owner (``vault.owner_check``). A person with no personal ID or
tax code is registered first and given a KDD-… reference (REGULATIONS 48).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from digitize.idcard import CitizenCard, parse_card_qr
from kernel import DomainError, OwnerKind, parse_owner_id
from vault.owner_check import NewOwner
from vault.unidentified import LABELS

from .forms import FormDay
from .i18n import gettext as _
from .render import flash, render
from .session import StaffUser, services_of

router = APIRouter(prefix="/counter")


@router.get("/dossiers/new")
def new_dossier(request: Request, _account: StaffUser,
                owner: Annotated[str, Query(max_length=20)] = "") -> Response:
    procedures = services_of(request).vault.procedures.procedures()
    return render(request, "counter/new.html", procedures=procedures,
                  reference=owner if owner.upper().startswith("KDD-") else "")


def _card(card_qr: str) -> CitizenCard | None:
    """The căn cước read by a hand-held scanner into the QR field, if that is what it is."""
    return parse_card_qr(card_qr) if card_qr.strip() else None


@router.post("/owners/check")
def check_owner(request: Request, account: StaffUser,
                owner: Annotated[str, Form(max_length=20)] = "",
                owner_kind: Annotated[OwnerKind, Form()] = OwnerKind.CITIZEN,
                procedure: Annotated[str, Form(max_length=255)] = "",
                card_qr: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Whose vault: a fragment under the ID field, refreshed as the officer types; a
    căn cước QR read into its field fills the number and the name."""
    card = _card(card_qr)
    if card is not None:
        owner, owner_kind = card.personal_id, OwnerKind.CITIZEN
    context: dict[str, Any] = {"card": card, "check": None, "problem": None}
    if card_qr.strip() and card is None:
        context["problem"] = _("Không đọc được mã QR: hãy quét lại mã QR trên mặt trước "
                               "thẻ căn cước, hoặc gõ số định danh.")
    elif owner.strip():
        try:
            context["check"] = services_of(request).vault.owners.check_owner(
                parse_owner_id(owner.strip(), owner_kind), procedure=procedure or None,
                viewer=account.viewer())
        except DomainError as exc:
            context["problem"] = exc.describe()
    return render(request, "counter/_owner_check.html", **context)


@router.post("/dossiers")
def open_dossier(request: Request, account: StaffUser,
                 owner: Annotated[str, Form(max_length=20)],
                 procedure: Annotated[str, Form(max_length=255)],
                 owner_kind: Annotated[OwnerKind, Form()] = OwnerKind.CITIZEN,
                 due_on: Annotated[FormDay, Form()] = None,
                 owner_name: Annotated[str, Form(max_length=255)] = "",
                 new_owner: Annotated[bool, Form()] = False) -> Response:
    services = services_of(request)
    viewer = account.viewer()
    dossier = services.vault.intake.open_case(
        viewer.agency or "", parse_owner_id(owner.strip(), owner_kind), procedure=procedure,
        viewer=viewer, due_on=due_on, reuse_days=services.settings.sharing.reuse_days,
        new_owner=NewOwner(owner_name, owner_kind, new_owner))
    return RedirectResponse(f"/counter/dossiers/{dossier.code}?opened=1", status_code=303)


@router.get("/owners/unidentified")
def unidentified_form(request: Request, _account: StaffUser) -> Response:
    return render(request, "counter/unidentified.html", form={}, labels=LABELS,
                  fields=services_of(request).settings.records.supplementary_fields)


@router.post("/owners/unidentified")
async def register_unidentified(request: Request, account: StaffUser) -> Response:
    """A person with no personal ID or tax code (REGULATIONS 48): their block, then a
    reference to receive their dossier under."""
    services = services_of(request)
    fields = services.settings.records.supplementary_fields
    form = await request.form()
    block = {name: str(form.get(name, ""))[:200] for name in fields}
    owner = await run_in_threadpool(services.vault.unidentified.register, block, fields,
                                    viewer=account.viewer())
    return flash(RedirectResponse(f"/counter/dossiers/new?owner={owner.value}",
                                  status_code=303),
                 _("Đã cấp mã tham chiếu %(code)s: ghi mã này cho người nộp.",
                   code=owner.value))
