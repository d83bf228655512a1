"""``sohoa admin agency key|set|show`` and ``sohoa admin account-key``: which key each
agency and each officer signs with, and what an agency's formal blocks print."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .admin import admin_app, agency_app
from .context import CLI_ACTOR, JsonOption, calling
from .output import console, print_json, read_input

SECRET_ENV = "SOHOA_KEY_SECRET"
SOURCE_HELP = ("pkcs11:module=/usr/lib/…/lib.so;token=LABEL;key=LABEL, pkcs12:/path/file.p12 "
               "or csc:url=https://…;credential=ID[;login=ACCOUNT]")


def key_secret(ask: bool) -> str | None:
    """The PIN or passphrase: $SOHOA_KEY_SECRET (scripts), else a hidden prompt; never an
    option, which would stay in the shell's history."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    if not ask:
        return None
    return str(typer.prompt("Mã PIN hoặc mật khẩu của khóa (PIN or passphrase)",
                            hide_input=True))


def _chain(chain: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (chain or "").split(",") if p.strip())


@agency_app.command("key")
def agency_key(
    code: Annotated[str, typer.Argument(help="Agency code")],
    source: Annotated[str | None, typer.Option(help=SOURCE_HELP)] = None,
    cert: Annotated[Path | None, typer.Option(
        help="Signing certificate (PEM/DER) when the token or service gives none")] = None,
    chain: Annotated[str | None, typer.Option(help="CA certificate files, comma-separated")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the agency's key")] = False,
    as_json: JsonOption = False,
) -> None:
    """Đặt khóa ký số của cơ quan (set where an agency's signing key is).

    The key is opened once before it is kept: a wrong PIN or file is refused now. Its
    PIN or passphrase comes from $SOHOA_KEY_SECRET or a hidden prompt and is kept sealed."""
    if not remove and not source:
        raise typer.BadParameter("cần --source, hoặc --remove (give --source or --remove)")
    secret = None if remove else key_secret(ask=True)
    with calling(as_json) as services:
        profile = services.keys.set_agency_key(
            code, None if remove else source, secret=secret,
            cert=str(cert) if cert else None, chain=_chain(chain), actor=CLI_ACTOR)
    if as_json:
        print_json({"agency": profile.as_dict()})
    elif profile.key:
        console.print(f"{profile.name}: ký bằng {profile.key.describe()}", highlight=False)
    else:
        console.print(f"{profile.name}: đã gỡ khóa ký", highlight=False)


@agency_app.command("set")
def agency_set(
    code: Annotated[str, typer.Argument(help="Agency code")],
    print_name: Annotated[str | None, typer.Option(
        help="The name as the NĐ 30/2020 blocks print it")] = None,
    place: Annotated[str | None, typer.Option(help="Place name (địa danh) on formal copies")] = None,
    abbreviation: Annotated[str | None, typer.Option(
        help="Abbreviation in copy numbers, e.g. UBND → 01/SY-UBND")] = None,
    signer_position: Annotated[str | None, typer.Option(
        help="Position of who signs formal paper copies")] = None,
    signer_name: Annotated[str | None, typer.Option(
        help="Full name of who signs formal paper copies")] = None,
    lookup_url: Annotated[str | None, typer.Option(
        help="Where this agency's look-up codes answer, e.g. https://tracuu.…/v")] = None,
    seal: Annotated[Path | None, typer.Option(
        help="The seal as a transparent PNG at its real size")] = None,
    as_json: JsonOption = False,
) -> None:
    """Đặt nội dung in trên bản sao, kết quả của cơ quan (what an agency's blocks print)."""
    seal_png = read_input(seal) if seal else None
    if seal_png is not None and not seal_png.startswith(b"\x89PNG"):
        raise typer.BadParameter("ảnh dấu phải là tệp PNG (the seal must be a PNG)")
    with calling(as_json) as services:
        profile = services.vault.profiles.set_profile(
            code, actor=CLI_ACTOR, seal_png=seal_png, print_name=print_name, place=place,
            abbreviation=abbreviation, copy_signer_position=signer_position,
            copy_signer_name=signer_name, lookup_url=lookup_url)
    if as_json:
        print_json({"agency": profile.as_dict()})
    else:
        console.print(f"Đã cập nhật {profile.name}", highlight=False)


@agency_app.command("show")
def agency_show(code: Annotated[str, typer.Argument(help="Agency code")],
                as_json: JsonOption = False) -> None:
    """Xem cơ quan in gì và ký bằng khóa nào (what an agency prints and signs with)."""
    with calling(as_json) as services:
        shown = services.vault.profiles.profile(code).as_dict()
        shown["can_issue"] = services.keys.can_issue(code)
    if as_json:
        print_json({"agency": shown})
        return
    key = shown["key"]
    console.print(f"{shown['name']} ({shown['code']})\n"
                  f"  Tên in trên văn bản: {shown['print_name']}\n"
                  f"  Khóa ký: {key['source'] if key else 'chưa có (PKI phát triển khi dùng thử)'}"
                  f"\n  Ban hành được: {'có' if shown['can_issue'] else 'không'}", highlight=False)


@admin_app.command("account-key")
def account_key(
    username: Annotated[str, typer.Argument(help="The officer's login name")],
    source: Annotated[str | None, typer.Option(
        help="pkcs11:module=…;token=LABEL;key=LABEL or csc:url=…;credential=ID")] = None,
    cert: Annotated[Path | None, typer.Option(
        help="The officer's certificate when the token holds only the key")] = None,
    chain: Annotated[str | None, typer.Option(help="CA certificate files, comma-separated")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the officer's key")] = False,
    as_json: JsonOption = False,
) -> None:
    """Gắn thiết bị ký (chữ ký số cá nhân) cho cán bộ (set an officer's own signing key).

    The PIN is theirs: they give it when they sign (web, API), and it is held, sealed,
    for SOHOA_PIN_SESSION_MINUTES."""
    if not remove and not source:
        raise typer.BadParameter("cần --source, hoặc --remove (give --source or --remove)")
    with calling(as_json) as services:
        key = services.keys.set_officer_key(username, None if remove else source,
                                            cert=str(cert) if cert else None,
                                            chain=_chain(chain))
    if as_json:
        print_json({"username": username, "key": key.as_dict() if key else None})
    else:
        console.print(f"{username}: " + (f"ký bằng {key.source}" if key else "đã gỡ thiết bị ký"),
                      highlight=False)
