"""Requests between agencies for a dossier's data, and their answers (REGULATIONS 58)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from .auth import Staff, services_of

router = APIRouter(prefix="/api/v1/data-requests", tags=["data requests"])


class NewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossier: str = Field(min_length=1, max_length=64)
    purpose: str = Field(max_length=2000, description="What the data is needed for")
    legal_basis: str = Field(max_length=2000, description="The legal ground of the request")


@router.post("", status_code=201)
def ask(request: Request, body: NewRequest, account: Staff) -> dict[str, Any]:
    """Ask the agency that holds a dossier for its data."""
    return {"request": services_of(request).vault.data_requests.ask(
        body.dossier, purpose=body.purpose, legal_basis=body.legal_basis,
        viewer=account.viewer()).as_dict()}


@router.get("")
def requests(request: Request, account: Staff) -> dict[str, Any]:
    """The requests the officer's agency made or received, newest first."""
    return {"requests": [r.as_dict() for r in services_of(request).vault.data_requests
                         .of_agency(viewer=account.viewer())]}


class Sharing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(30, ge=1, le=365, description="How long the asking agency may read")


@router.post("/{request_id}/sharing")
def share(request: Request, request_id: str, body: Sharing, account: Staff) -> dict[str, Any]:
    """Share: the asking agency may read the dossier's documents for ``days``; the owner
    sees the grant and may revoke it."""
    return {"request": services_of(request).vault.data_requests.share(
        request_id, days=body.days, viewer=account.viewer()).as_dict()}


class Refusal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="The written reason")
    legal_basis: str = Field(max_length=2000, description="The legal basis of the refusal")


@router.post("/{request_id}/refusal")
def refuse(request: Request, request_id: str, body: Refusal, account: Staff) -> dict[str, Any]:
    """Refuse; a reason and a legal basis are both required, and both are recorded."""
    return {"request": services_of(request).vault.data_requests.refuse(
        request_id, reason=body.reason, legal_basis=body.legal_basis,
        viewer=account.viewer()).as_dict()}
