"""Administration: agencies and accounts. Administrators manage; they read no content."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kernel import Role, mask_ids_in_text

from .auth import Admin, services_of

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class NewAgency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9.]+$",
                      description="Mã định danh cơ quan, e.g. 000.00.31.H50")
    name: str = Field(min_length=1, max_length=255)
    valid_from: date | None = None
    valid_to: date | None = None


@router.post("/agencies", status_code=201)
def create_agency(request: Request, body: NewAgency, account: Admin) -> dict[str, Any]:
    """Add an agency; its code is data with validity dates, never an owner's key."""
    agency = services_of(request).vault.agencies.add_agency(
        body.code, body.name, valid_from=body.valid_from, valid_to=body.valid_to,
        actor=account.actor)
    return {"agency": agency.as_dict()}


@router.get("/agencies")
def list_agencies(request: Request, _account: Admin) -> dict[str, Any]:
    return {"agencies": [a.as_dict() for a in services_of(request).vault.agencies.listing()]}


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64)
    role: Role = Field(description="citizen, organisation, staff, archivist or admin")
    display_name: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=256)
    owner: str | None = Field(None, max_length=20,
                              description="Personal ID (citizen) or tax code (organisation)")
    agency: str | None = Field(None, max_length=32, description="Agency code (staff)")


@router.post("/accounts", status_code=201)
def create_account(request: Request, body: NewAccount, account: Admin) -> dict[str, Any]:
    """Make an account; 422 names what is wrong (weak password, missing agency…)."""
    created = services_of(request).accounts.create(
        body.username, body.role, body.display_name, password=body.password,
        owner=body.owner, agency=body.agency, actor=account.actor)
    return {"account": created.as_dict()}


@router.get("/accounts")
def list_accounts(request: Request, _account: Admin) -> dict[str, Any]:
    return {"accounts": [a.as_dict() for a in services_of(request).accounts.list()]}


class AccountState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool


@router.put("/accounts/{username}/state")
def set_account_state(request: Request, username: str, body: AccountState,
                      account: Admin) -> dict[str, Any]:
    """Disable or re-enable an account; a disabled account's tokens stop working at once."""
    changed = services_of(request).accounts.set_active(username, body.active,
                                                       actor=account.actor)
    return {"account": changed.as_dict()}


@router.post("/accounts/{username}/password-reset")
def reset_password(request: Request, response: Response, username: str,
                   account: Admin) -> dict[str, Any]:
    """Reset a password (cấp lại mật khẩu): a temporary one, answered once, which the person
    must change at next login (until then the account may only change it); every token
    of the account issued before ends now. Audited."""
    temporary = services_of(request).accounts.credentials.reset(username, actor=account.actor)
    response.headers["Cache-Control"] = "no-store"  # a secret: no cache keeps it
    return {"username": mask_ids_in_text(username.strip().lower()),
            "temporary_password": temporary,
            "must_change_password": True}


@router.get("/dossiers/missing-results")
def dossiers_missing_results(request: Request, _account: Admin) -> dict[str, Any]:
    """Completed dossiers whose result is not in the owner's vault: each is an error to put
    right, since results always land in the vault (REGULATIONS 9.C.24)."""
    return {"dossiers": services_of(request).vault.casework.results_missing()}
