"""Reuse with consent (REGULATIONS 9.C.23): a citizen applies with documents from the vault.

The citizen previews what an agency will be able to read, then confirms: a dossier
is opened at the agency and a grant lets its staff read exactly those documents,
for a purpose, until an expiry or until the citizen revokes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from vault import InvalidRecordValue

from .auth import OwnerAccount, services_of

router = APIRouter(tags=["reuse"])


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: str = Field(min_length=1, max_length=32, description="Code of the agency applied to")
    documents: list[str] = Field(min_length=1, max_length=100,
                                 description="Ids of vault documents to attach by reference")


class Application(ShareRequest):
    procedure: str = Field(min_length=1, max_length=255, description="TTHC code or name")
    purpose: str = Field(min_length=1, max_length=500, description="Why the agency reads them")
    expires_in_days: int | None = Field(None, ge=1, description="Default: settings")


@router.post("/api/v1/applications/preview")
def preview(request: Request, body: ShareRequest, account: OwnerAccount) -> dict[str, Any]:
    """Exactly what the agency will be able to read if the application is confirmed: each
    document with the files and their SHA-256. Nothing is stored."""
    services = services_of(request)
    shared = services.vault.sharing.preview_share(account.vault_owner(), body.agency,
                                          body.documents, viewer=account.viewer())
    return {"agency": body.agency, "documents": [d.as_dict() for d in shared]}


@router.post("/api/v1/applications", status_code=201)
def apply(request: Request, body: Application, account: OwnerAccount) -> dict[str, Any]:
    """Confirm: open the dossier at the agency and grant it the documents (a grant the owner
    can revoke at any time). 201 with the grant and the new dossier code."""
    services = services_of(request)
    settings = services.settings
    days = body.expires_in_days or settings.sharing.default_days
    if days > settings.sharing.max_days:
        raise InvalidRecordValue(f"chia sẻ tối đa {settings.sharing.max_days} ngày "
                                 f"(at most {settings.sharing.max_days} days)")
    grant = services.vault.sharing.apply_with_documents(
        account.vault_owner(), body.agency, body.documents,
        procedure=body.procedure, purpose=body.purpose,
        expires_at=datetime.now(UTC) + timedelta(days=days), viewer=account.viewer())
    return {"grant": grant.as_dict()}


@router.get("/api/v1/me/grants")
def my_grants(request: Request, account: OwnerAccount) -> dict[str, Any]:
    """Every grant the caller made: live, expired or revoked, with what each covers."""
    grants = services_of(request).vault.sharing.grants_of(account.vault_owner(),
                                                  viewer=account.viewer())
    return {"grants": [g.as_dict() for g in grants]}


@router.post("/api/v1/grants/{grant_id}/revocation")
def revoke_grant(request: Request, grant_id: str, account: OwnerAccount) -> dict[str, Any]:
    """Withdraw consent: the agency's next read answers 404."""
    grant = services_of(request).vault.sharing.revoke_grant(grant_id, viewer=account.viewer())
    return {"grant": grant.as_dict()}
