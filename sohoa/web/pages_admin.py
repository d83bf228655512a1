"""The administrator's screens: agencies, staff accounts, the retention schedule, keys.

Administrators manage; they never read document content (``vault.access``), so
nothing here opens a vault.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.service import ACCOUNT_ROLES
from kernel import Role, local_day

from ..services import Services
from .agency_choices import agency_groups
from .forms import FormDay
from .i18n import gettext as _
from .render import flash, render
from .session import AdminUser, services_of

router = APIRouter(prefix="/admin")


@router.get("")
def agencies(request: Request, _account: AdminUser) -> Response:
    return render(request, "admin/agencies.html", agencies=services_of(request).vault.agencies.listing())


@router.post("/agencies")
def add_agency(request: Request, account: AdminUser,
               code: Annotated[str, Form(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9.]+$")],
               name: Annotated[str, Form(min_length=1, max_length=255)],
               valid_from: Annotated[FormDay, Form()] = None) -> Response:
    services_of(request).vault.agencies.add_agency(code, name, valid_from=valid_from, actor=account.actor)
    return flash(RedirectResponse("/admin", status_code=303),
                 _("Đã thêm cơ quan %(code)s.", code=code))


@router.get("/accounts")
def accounts(request: Request, _account: AdminUser) -> Response:
    services = services_of(request)
    listed = services.accounts.list()
    return render(request, "admin/accounts.html", accounts=listed, roles=ACCOUNT_ROLES,
                  agencies=agency_groups(services.vault.agencies.listing(),
                                         local_day(datetime.now(UTC))),
                  names=services.vault.profiles.names({a.agency_code for a in listed
                                                       if a.agency_code}))


@router.post("/accounts")
def add_account(request: Request, account: AdminUser,
                username: Annotated[str, Form(min_length=3, max_length=64)],
                role: Annotated[Role, Form()],
                display_name: Annotated[str, Form(min_length=1, max_length=255)],
                password: Annotated[str, Form(min_length=1, max_length=256)],
                owner: Annotated[str | None, Form(max_length=20)] = None,
                agency: Annotated[str | None, Form(max_length=32)] = None) -> Response:
    created = services_of(request).accounts.create(
        username, role, display_name, password=password, owner=owner or None,
        agency=agency or None, actor=account.actor)
    return flash(RedirectResponse("/admin/accounts", status_code=303),
                 _("Đã tạo tài khoản %(name)s.", name=created.username))


@router.post("/accounts/{username}/state")
def account_state(request: Request, username: str, account: AdminUser,
                  active: Annotated[bool, Form()]) -> Response:
    changed = services_of(request).accounts.set_active(username, active, actor=account.actor)
    message = _("Đã mở khóa tài khoản %(name)s.", name=changed.username) if active else \
        _("Đã khóa tài khoản %(name)s.", name=changed.username)
    return flash(RedirectResponse("/admin/accounts", status_code=303), message)


@router.post("/accounts/{username}/password")
def reset_password(request: Request, username: str, account: AdminUser) -> Response:
    """A temporary password, shown once to the administrator to hand to the person, who
    must replace it at next login; the person's open sessions end now."""
    temporary = services_of(request).accounts.credentials.reset(username, actor=account.actor)
    return render(request, "admin/password_reset.html", username=username.strip().lower(),
                  temporary=temporary, headers={"Cache-Control": "no-store"})


@router.get("/retention")
def retention(request: Request, _account: AdminUser) -> Response:
    services = services_of(request)
    return render(request, "admin/retention.html", schedule=services.retention,
                  procedure_names={p.code: p.name for p in services.vault.procedures.procedures()})


@router.get("/keys")
def keys(request: Request, _account: AdminUser) -> Response:
    services = services_of(request)
    return render(request, "admin/keys.html", **key_status(services))


def key_status(services: Services) -> dict[str, Any]:
    """Which keys sign and wrap, without any secret: the KEKs in use, and the key of each
    agency that has staff or a key, with how many of its officers have their own."""
    settings = services.settings
    staff = [a for a in services.accounts.list() if a.role is Role.STAFF and a.agency_code]
    own = services.keys.officers.keyed_usernames()
    keyed = services.vault.profiles.keyed()
    signing = []
    for agency in services.vault.agencies.listing():
        members = [a for a in staff if a.agency_code == agency.code]
        if not members and agency.code not in keyed:
            continue
        profile = services.vault.profiles.profile(agency.code)
        if profile.key is not None:
            source, dev = profile.key.describe(), False
        elif services.keys.development:
            source, dev = _("PKI phát triển (CHỈ DÙNG THỬ)"), True
        else:
            source, dev = _("Chưa có khóa: cơ quan chưa ký được"), True
        signing.append({"agency": agency.name, "source": source, "dev": dev,
                        "staff": len(members),
                        "own": sum(1 for a in members if a.username in own)})
    return {"current_kek": settings.key_encryption_keys()[1],
            "kek_usage": sorted(services.vault_keys.kek_usage().items()), "signing": signing,
            "trust_dev_root": settings.signing.trust_dev_root}
