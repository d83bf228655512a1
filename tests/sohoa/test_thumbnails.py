"""Thumbnails of papers filed before they existed (issue 29, item 8): ``sohoa thumbnails``
draws each once from the copy a person would look at — a PDF or a scan kept as an
image — and says so in the owner's access log; a second run has nothing to do."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from kernel import Viewer, parse_owner_id
from sohoa.cli import app
from sohoa.services import Services
from tests.inputs import image_bytes, text_page, text_pdf
from vault import FileRole, NewFile

OWNER = parse_owner_id("001099012345")


def _file(services: Services, title: str, new: NewFile) -> str:
    return services.vault.filing.file_document(
        owner=OWNER, title=title, page_count=1, operator="Lê Thị Hoa",
        scanned_at=datetime.now(UTC), actor="test", files=[new]).id


def test_older_papers_get_their_thumbnail_once(services: Services) -> None:
    pdf = _file(services, "Quyết định", NewFile(FileRole.ORIGINAL.value, text_pdf("Quyet dinh"),
                                                "application/pdf"))
    png = _file(services, "Giấy khai sinh", NewFile(
        FileRole.ORIGINAL.value, image_bytes(text_page(100), "PNG", 100), "image/png"))
    runner = CliRunner()
    first = runner.invoke(app, ["thumbnails", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"drawn": 2, "failed": 0}
    system = Viewer.system("test")
    for document_id in (pdf, png):
        drawn = services.vault.documents.get_document(document_id, viewer=system).thumbnail
        assert drawn is not None and drawn.startswith("data:image/jpeg;base64,")
    reads = services.vault.custody.access_log(OWNER, viewer=system)
    assert {(r.reader, r.purpose) for r in reads} == {
        ("system:thumbnails", "vẽ ảnh thu nhỏ cho danh sách")}
    again = runner.invoke(app, ["thumbnails", "--json"])
    assert json.loads(again.stdout) == {"drawn": 0, "failed": 0}
