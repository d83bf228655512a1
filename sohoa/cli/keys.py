"""``sohoa keys``: the key-encryption keys and the vaults' data keys."""

from __future__ import annotations

from typing import Annotated

import typer

from kernel import parse_owner_id

from .context import CLI_ACTOR, JsonOption, calling, commands
from .output import console, counted_progress, print_json

keys_app = commands("Khóa mã hóa kho dữ liệu (encryption keys).")


@keys_app.command("status")
def status(as_json: JsonOption = False) -> None:
    """Khóa bọc nào đang bọc bao nhiêu khóa dữ liệu (data keys per KEK)."""
    with calling(as_json) as services:
        usage = services.vault_keys.kek_usage()
        current = services.settings.key_encryption_keys()[1]
    if as_json:
        print_json({"current": current, "data_keys_by_kek": usage})
        return
    for kek_id, count in sorted(usage.items()):
        mark = " (hiện hành)" if kek_id == current else ""
        console.print(f"{kek_id}{mark}: {count} khóa dữ liệu", highlight=False)


@keys_app.command("rotate")
def rotate(as_json: JsonOption = False) -> None:
    """Bọc lại mọi khóa dữ liệu bằng SOHOA_KEK hiện hành; không mã hóa lại tệp nào
    (rewrap every data key under the current KEK; no blob is re-encrypted)."""
    with calling(as_json) as services:
        done = services.vault_keys.rotate()
        usage = services.vault_keys.kek_usage()
    if as_json:
        print_json({"rewrapped": done, "data_keys_by_kek": usage})
    else:
        console.print(f"Đã bọc lại {done} khóa dữ liệu; khi chỉ còn khóa bọc hiện hành, xóa "
                      "các khóa cũ khỏi SOHOA_KEK_OLD và hủy chúng.", highlight=False)


@keys_app.command("seal-existing")
def seal_existing(as_json: JsonOption = False) -> None:
    """Mã hóa các tệp lưu trước khi có mã hóa (encrypt blobs stored before encryption)."""
    with calling(as_json) as services, counted_progress(not as_json, "Mã hóa") as progress:
        sealed = services.vault.custody.seal_existing(services.blobs.is_sealed, progress=progress)
    if as_json:
        print_json({"sealed": sealed})
    else:
        console.print(f"Đã mã hóa {sealed} tệp.", highlight=False)


@keys_app.command("shred")
def shred(owner: Annotated[str, typer.Argument(help="Personal ID or tax code")],
          reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
          yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm")] = False,
          as_json: JsonOption = False) -> None:
    """Hủy khóa dữ liệu của một kho: mọi tệp của kho không còn đọc được, ở bất cứ đâu
    (crypto-shred a vault). This cannot be undone."""
    who = parse_owner_id(owner)
    if not yes:
        typer.confirm(f"Hủy vĩnh viễn khóa của kho {who.masked}? (cannot be undone)", abort=True)
    with calling(as_json) as services:
        documents = services.vault.custody.shred(who, reason=reason, actor=CLI_ACTOR)
        # Rows sealed under keys other than the vault's (accounts, jobs) are wiped instead.
        index = services.vault.custody.blind_index(who)
        services.accounts.forget_owner(index)
        services.jobs.store.forget_owner(index)
    if as_json:
        print_json({"shredded": True, "documents": documents})
    else:
        console.print(f"Đã hủy khóa kho {who.masked}: {documents} tài liệu không còn đọc được.",
                      highlight=False)
