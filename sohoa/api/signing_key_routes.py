"""Which key each agency and each officer signs with (issue 28): set by administrators,
the officer's PIN given by the officer. Nothing secret is ever answered back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from vault import InvalidRecordValue

from .auth import Admin, Staff, services_of

router = APIRouter(prefix="/api/v1", tags=["signing keys"])

SOURCE = Field(min_length=6, max_length=1000, description=(
    "pkcs11:module=…;token=LABEL;key=LABEL, pkcs12:/path/file.p12 or "
    "csc:url=https://…;credential=ID[;login=ACCOUNT]"))


class AgencyKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = SOURCE
    secret: str | None = Field(None, max_length=256, description="PIN or passphrase; kept "
                               "sealed, never answered back")
    cert: str | None = Field(None, max_length=1000, description="Certificate file, when the "
                             "token or service gives none")
    chain: list[str] = Field(default_factory=list, max_length=10)


@router.put("/admin/agencies/{code}/signing-key")
def set_agency_key(request: Request, code: str, body: AgencyKeyBody,
                   account: Admin) -> dict[str, Any]:
    """Set where the agency's key is. It is opened once first: a wrong PIN or file answers
    403 and nothing is kept."""
    profile = services_of(request).keys.set_agency_key(
        code, body.source, secret=body.secret, cert=body.cert, chain=tuple(body.chain),
        actor=account.actor)
    return {"agency": profile.as_dict()}


@router.delete("/admin/agencies/{code}/signing-key")
def remove_agency_key(request: Request, code: str, account: Admin) -> dict[str, Any]:
    return {"agency": services_of(request).keys.set_agency_key(
        code, None, actor=account.actor).as_dict()}


class AgencyProfileBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    print_name: str | None = Field(None, max_length=255)
    place: str | None = Field(None, max_length=100)
    abbreviation: str | None = Field(None, max_length=20)
    copy_signer_position: str | None = Field(None, max_length=120)
    copy_signer_name: str | None = Field(None, max_length=120)
    lookup_url: str | None = Field(None, max_length=255, pattern=r"^(https?://\S+)?$")


@router.get("/admin/agencies/{code}/profile")
def agency_profile(request: Request, code: str, _account: Admin) -> dict[str, Any]:
    services = services_of(request)
    return {"agency": services.vault.profiles.profile(code).as_dict()
            | {"can_issue": services.keys.can_issue(code)}}


@router.patch("/admin/agencies/{code}/profile")
def set_agency_profile(request: Request, code: str, body: AgencyProfileBody,
                       account: Admin) -> dict[str, Any]:
    """Set what the agency's formal blocks print; an empty text clears a field."""
    return {"agency": services_of(request).vault.profiles.set_profile(
        code, actor=account.actor, **body.model_dump(exclude_unset=True)).as_dict()}


@router.put("/admin/agencies/{code}/seal")
async def set_agency_seal(request: Request, code: str, account: Admin) -> dict[str, Any]:
    """The agency's seal: a transparent PNG at its real size (its resolution set), the
    request's body, shown over the signer's image on the results it issues."""
    services = services_of(request)
    body = await request.body()
    if not body.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InvalidRecordValue("ảnh dấu phải là tệp PNG (the seal must be a PNG)")
    profile = await run_in_threadpool(services.vault.profiles.set_profile, code,
                                      actor=account.actor, seal_png=body)
    return {"agency": profile.as_dict()}


class OfficerKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = SOURCE
    cert: str | None = Field(None, max_length=1000)
    chain: list[str] = Field(default_factory=list, max_length=10)


@router.put("/admin/accounts/{username}/signing-key")
def set_officer_key(request: Request, username: str, body: OfficerKeyBody,
                    _account: Admin) -> dict[str, Any]:
    """Give an officer a key of their own (their token, or their remote credential)."""
    key = services_of(request).keys.set_officer_key(username, body.source, cert=body.cert,
                                                    chain=tuple(body.chain))
    return {"username": username, "key": key.as_dict() if key else None}


class PinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin: str = Field(min_length=1, max_length=64)


@router.post("/me/signing-pin")
def give_pin(request: Request, body: PinBody, account: Staff) -> dict[str, Any]:
    """The officer gives their PIN: it is checked against their key and held, sealed, for
    SOHOA_PIN_SESSION_MINUTES; a wrong one answers 403 and nothing is held."""
    until = services_of(request).keys.unlock(account.username, body.pin)
    return {"held_until": until.isoformat()}


@router.delete("/me/signing-pin", status_code=204)
def forget_pin(request: Request, account: Staff) -> Response:
    """End the signing session: the PIN is forgotten now."""
    services_of(request).keys.officers.release(account.username)
    return Response(status_code=204)
