"""Certifying copies from their originals, step by step (REGULATIONS 61): staff of the
certifying agency only; a step out of order answers 409 naming the missing one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from kernel import parse_owner_id

from ..usecases.attest import issue_certified_copy
from .auth import Staff, services_of

router = APIRouter(prefix="/api/v1/certifications", tags=["certifications"])


class Presented(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(min_length=10, max_length=14, description="The requester's personal "
                       "ID or tax code")
    original: str = Field(max_length=500, description="The original as written on it "
                          "(name, number and symbol, issuing body)")


@router.post("", status_code=201)
def present(request: Request, body: Presented, account: Staff) -> dict[str, Any]:
    """Step 1: the original is presented."""
    return {"certification": services_of(request).vault.certifications.present(
        parse_owner_id(body.owner), body.original, viewer=account.viewer()).as_dict()}


@router.get("/{certification_id}")
def certification(request: Request, certification_id: str, account: Staff) -> dict[str, Any]:
    return {"certification": services_of(request).vault.certifications.get(
        certification_id, viewer=account.viewer()).as_dict()}


class Checked(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fit: bool = Field(description="False: the original may not be certified (NĐ 23/2015 "
                      "Art. 22); the note says why")
    note: str = Field("", max_length=2000)


@router.post("/{certification_id}/check")
def check(request: Request, certification_id: str, body: Checked,
          account: Staff) -> dict[str, Any]:
    """Step 2: the officer checked the original."""
    return {"certification": services_of(request).vault.certifications.check(
        certification_id, fit=body.fit, note=body.note, viewer=account.viewer()).as_dict()}


class Scanned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, max_length=36, description="The scan of the original "
                          "made at this counter after the check")


@router.post("/{certification_id}/scan")
def scanned(request: Request, certification_id: str, body: Scanned,
            account: Staff) -> dict[str, Any]:
    """Step 3: the original's scan."""
    return {"certification": services_of(request).vault.certifications.scanned(
        certification_id, body.document, viewer=account.viewer()).as_dict()}


class Statement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement: str = Field(max_length=1000, description="The certification statement (lời "
                           "chứng), e.g. 'Chứng thực bản sao đúng với bản chính.'")


@router.post("/{certification_id}/statement")
def statement(request: Request, certification_id: str, body: Statement,
              account: Staff) -> dict[str, Any]:
    """Step 4: the certification statement."""
    return {"certification": services_of(request).vault.certifications.state(
        certification_id, body.statement, viewer=account.viewer()).as_dict()}


class Issue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: str = Field(min_length=2, max_length=80, description="The certifier's "
                          "position, e.g. PHÓ CHỦ TỊCH")


@router.post("/{certification_id}/issue")
async def issue(request: Request, certification_id: str, body: Issue,
                account: Staff) -> dict[str, Any]:
    """Steps 5 and 6: the caller signs as the certifying person with their own key, the
    agency after them; the copy is entered in the register of certifications."""
    done = await run_in_threadpool(
        issue_certified_copy, services_of(request), certification_id,
        certifier=account.display_name, position=body.position, viewer=account.viewer())
    return {"certification": done.as_dict()}
