"""``sohoa admin``: agencies and accounts, for the people who run the service."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kernel import Role, mask_ids_in_text

from .context import CLI_ACTOR, JsonOption, calling, commands, vault_only
from .output import console, print_json

admin_app = commands("Quản trị: cơ quan và tài khoản (agencies and accounts).")
agency_app = commands("Cơ quan, đơn vị của tỉnh (the province's agencies).")
admin_app.add_typer(agency_app, name="agency")

PASSWORD_ENV = "SOHOA_NEW_PASSWORD"


def _password(given: str | None) -> str:
    """From the option, else $SOHOA_NEW_PASSWORD (scripts), else a hidden prompt twice."""
    if given:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return str(typer.prompt("Mật khẩu (password)", hide_input=True, confirmation_prompt=True))


@agency_app.command("add")
def add_agency(
    code: Annotated[str, typer.Argument(help="Agency code, e.g. 000.00.31.H50")],
    name: Annotated[str, typer.Argument(help="Agency name")],
    valid_from: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today)")] = None,
    valid_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD, for a unit being merged")] = None,
    as_json: JsonOption = False,
) -> None:
    """Thêm cơ quan (add an agency)."""
    with calling(as_json) as services:
        agency = services.vault.agencies.add_agency(
            code, name, valid_from=_day(valid_from), valid_to=_day(valid_to), actor=CLI_ACTOR)
    if as_json:
        print_json({"agency": agency.as_dict()})
    else:
        console.print(f"Đã thêm cơ quan {agency.code} — {agency.name}", highlight=False)


@agency_app.command("import")
def import_agencies(
    file: Annotated[Path, typer.Argument(help="The catalogue: CSV (with a header) or YAML")],
    as_json: JsonOption = False,
) -> None:
    """Nạp danh mục cơ quan của tỉnh (load the province's catalogue of agencies).

    Columns: code, name, parent, kind (province/department/commune/unit or tỉnh/sở/xã/
    đơn vị), valid_from, valid_to, successor. Every problem is listed with its row and
    column, and nothing is stored unless the whole file is right; loading the same file
    again changes nothing."""
    from vault import read_catalogue

    with calling(as_json) as services:
        known = [a.code for a in services.vault.agencies.listing()]
        entries = read_catalogue(file, known)
        report = services.vault.agencies.import_catalogue(entries, actor=CLI_ACTOR)
    if as_json:
        print_json({"agencies": len(entries), **report.as_dict()})
    else:
        console.print(f"Đã nạp {len(entries)} cơ quan: {report.added} mới, {report.changed} "
                      f"thay đổi, {report.unchanged} giữ nguyên.", highlight=False)


@agency_app.command("list")
def list_agencies(
    search: Annotated[str | None, typer.Option(help="Part of a name or a code")] = None,
    as_json: JsonOption = False,
) -> None:
    """Liệt kê cơ quan theo cây của tỉnh (the agencies, as the province's tree)."""
    with vault_only(as_json) as opened:
        agencies = opened.vault.agencies.listing(search)
    if as_json:
        print_json({"agencies": [a.as_dict() for a in agencies]})
        return
    table = Table("Mã", "Tên", "Loại", "Trực thuộc", "Hiệu lực")
    for a in agencies:
        table.add_row(a.code, a.name, KIND_NAMES.get(a.kind or "", "—"), a.parent or "—",
                      f"đến {a.valid_to:%d/%m/%Y}" if a.valid_to else "còn hiệu lực")
    console.print(table)


#: How each kind of agency is named on screen.
KIND_NAMES = {"province": "Cấp tỉnh", "department": "Sở, ngành", "commune": "Cấp xã",
              "unit": "Đơn vị"}


@admin_app.command("merge")
def merge(
    sources: Annotated[list[str], typer.Argument(help="Codes of the units being merged")],
    into: Annotated[str, typer.Option(help="Code of the unit they join (add it first)")],
    on: Annotated[str, typer.Option(help="YYYY-MM-DD: the first day of the merged unit")],
    as_json: JsonOption = False,
) -> None:
    """Sáp nhập đơn vị: chuyển hồ sơ, tài liệu, quyền chia sẻ và cán bộ sang đơn vị mới
    (merge units: dossiers, documents, grants and staff move; dossier codes stay)."""
    day = _day(on)
    assert day is not None
    with calling(as_json) as services:
        report = services.vault.agencies.merge_agencies(sources, into, on=day, actor=CLI_ACTOR)
        staff = services.accounts.move_agency(sources, into)
    if as_json:
        print_json({"merge": report.as_dict() | {"staff": staff}})
    else:
        console.print(f"Đã sáp nhập {', '.join(report.merged)} vào {report.into}: "
                      f"{report.dossiers} hồ sơ, {report.documents} tài liệu, "
                      f"{report.grants} quyền chia sẻ, {staff} cán bộ", highlight=False)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"{text!r}: dùng dạng YYYY-MM-DD (use YYYY-MM-DD)") from None


@admin_app.command("account")
def add_account(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[Role, typer.Option(help="citizen, organisation, staff, archivist, admin")],
    name: Annotated[str, typer.Option(help="Full name shown in the audit trail")],
    owner: Annotated[str | None, typer.Option(
        help="Personal ID (citizen) or tax code (organisation member)")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency code (staff)")] = None,
    password: Annotated[str | None, typer.Option(
        help=f"Password; default: ${PASSWORD_ENV} or a prompt")] = None,
    oidc_subject: Annotated[str | None, typer.Option(
        help="Log in only through the identity provider as ISSUER#SUB (no password)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tạo tài khoản: công dân, tổ chức, cán bộ, lưu trữ viên, quản trị (create an account)."""
    if role is Role.SYSTEM:
        raise typer.BadParameter("system is not a role a person logs in with")
    secret = None if oidc_subject and not password else _password(password)
    with calling(as_json) as services:
        account = services.accounts.create(username, role, name, password=secret, owner=owner,
                                           agency=agency, oidc_subject=oidc_subject,
                                           actor=CLI_ACTOR)
    if as_json:
        print_json({"account": account.as_dict()})
    else:
        console.print(f"Đã tạo tài khoản {account.as_dict()['username']} ({account.role.value})",
                      highlight=False)


@admin_app.command("link")
def link_identity(username: Annotated[str, typer.Argument(help="Login name")],
                  subject: Annotated[str, typer.Argument(
                      help="The provider's ISSUER#SUB for this person")]) -> None:
    """Gắn tài khoản với định danh của nhà cung cấp (let an account log in through OIDC)."""
    with calling() as services:
        account = services.accounts.link_identity(username, subject)
    console.print(f"{account.as_dict()['username']}: đăng nhập được qua nhà cung cấp định danh",
                  highlight=False)


@admin_app.command("disable")
def disable_account(username: Annotated[str, typer.Argument(help="Login name")],
                    enable: Annotated[bool, typer.Option(
                        "--enable", help="Re-enable instead")] = False) -> None:
    """Khóa (hoặc mở lại) tài khoản (disable, or re-enable, an account)."""
    with calling() as services:
        account = services.accounts.set_active(username, enable, actor=CLI_ACTOR)
    console.print(f"{account.as_dict()['username']}: {'hoạt động' if account.active else 'đã khóa'}",
                  highlight=False)


@admin_app.command("password")
def reset_password(username: Annotated[str, typer.Argument(help="Login name")],
                   as_json: JsonOption = False) -> None:
    """Cấp lại mật khẩu (reset a password): prints a temporary password, once, which the
    person must change at next login; the account's open sessions end. Audited."""
    with calling(as_json) as services:
        temporary = services.accounts.credentials.reset(username, actor=CLI_ACTOR)
    if as_json:
        print_json({"username": mask_ids_in_text(username.strip().lower()),
                    "temporary_password": temporary,
                    "must_change_password": True})
        return
    console.print(f"Mật khẩu tạm thời của {mask_ids_in_text(username.strip().lower())}: "
                  f"{temporary}\n"
                  "Lần đăng nhập tới, người dùng phải đặt mật khẩu mới.", highlight=False)


@admin_app.command("accounts")
def list_accounts(as_json: JsonOption = False) -> None:
    """Liệt kê tài khoản (list accounts)."""
    with calling(as_json) as services:
        accounts = [a.as_dict() for a in services.accounts.list()]
    if as_json:
        print_json({"accounts": accounts})
        return
    table = Table("Tên đăng nhập", "Vai trò", "Họ tên", "Kho", "Cơ quan", "Hoạt động")
    for a in accounts:
        table.add_row(a["username"], a["role"], a["display_name"],
                      a["owner"] and "***" + a["owner"][-2:] or "—", a["agency"] or "—",
                      "có" if a["active"] else "khóa")
    console.print(table)
