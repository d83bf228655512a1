"""``sohoa search``: find documents by their words, and rebuild the index."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kernel import parse_owner_id

from .context import CLI, JsonOption, calling, commands, vault_only
from .output import console, counted_progress, print_json

search_app = commands("Tìm kiếm tài liệu (full-text search).")


@search_app.command("query")
def query(
    words: Annotated[str, typer.Argument(help="Words to find, with or without accents")],
    owner: Annotated[str | None, typer.Option(help="Only this owner's vault")] = None,
    doc_type: Annotated[str | None, typer.Option(help="Only this document type")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Tìm tài liệu chứa mọi từ đã cho (documents holding every word, accents optional)."""
    from vault import SearchFilters  # the command tree loads no service (test_cli_startup)

    with vault_only(as_json) as opened:
        hits = opened.vault.finder.search(words, viewer=CLI, limit=limit, filters=SearchFilters(
            owner=parse_owner_id(owner) if owner else None, doc_type=doc_type))
    if as_json:
        print_json({"hits": [h.as_dict() for h in hits]})
        return
    table = Table("ID", "Tên", "Loại", "Hồ sơ", "Mã kết quả")
    for hit in hits:
        table.add_row(hit.id, hit.title, hit.doc_type, hit.dossier or "—", hit.result_code or "—")
    console.print(table)


@search_app.command("reindex")
def reindex(as_json: JsonOption = False) -> None:
    """Lập lại chỉ mục tìm kiếm (rebuild the index: after an upgrade or a new search key)."""
    with calling(as_json) as services, counted_progress(not as_json, "Lập chỉ mục") as progress:
        count = services.vault.finder.reindex(progress=progress)
    if as_json:
        print_json({"indexed": count})
    else:
        console.print(f"Đã lập chỉ mục {count} tài liệu", highlight=False)
