"""Search: diacritic-insensitive, limited to what the caller may see, and blind at rest.

REGULATIONS 9.C.22 (the vault exposes its documents' metadata), issue 5 item 10. The
index holds keyed tokens of folded words, never the words: a marker in a document's
text is found by search and is nowhere in the database file.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from kernel import Role, Viewer, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import login, make_account
from vault import FileRole, NewFile, Vault
from vault.search import IndexingOptions

CITIZEN, OTHER = "001099012345", "079199000111"
MARKER = "Huỳnh Đức Thịnh"


def _file(services: Services, owner: str, title: str, body: str) -> str:
    return services.vault.filing.file_document(
        owner=parse_owner_id(owner), title=title, page_count=1, operator="Hoa",
        scanned_at=datetime.now(UTC), actor="test", agency_code=services.settings.agency.code,
        files=[NewFile(FileRole.ORIGINAL.value, f"%PDF-1.4\n%{title}\n".encode(),
                       "application/pdf"),
               NewFile(FileRole.TEXT.value, body.encode(), "text/plain; charset=utf-8")]).id


def test_search_folds_accents_and_shows_only_what_the_caller_may_see(
        services: Services, anonymous: TestClient) -> None:
    decision = _file(services, CITIZEN, "Quyết định cấp phép",
                     f"ỦY BAN NHÂN DÂN\nQUYẾT ĐỊNH về việc cấp giấy phép cho ông {MARKER}")
    _file(services, CITIZEN, "Giấy khai sinh", "GIẤY KHAI SINH họ và tên Nguyễn Văn Bình")
    theirs = _file(services, OTHER, "Quyết định khác", "QUYẾT ĐỊNH về việc khen thưởng")
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    citizen = login(anonymous, "congdan")

    def hits(q: str, headers: dict[str, str] = citizen) -> list[str]:
        response = anonymous.get("/api/v1/search", params={"q": q}, headers=headers)
        assert response.status_code == 200, response.text
        return [h["id"] for h in response.json()["hits"]]

    assert hits("quyet dinh") == [decision]  # the other citizen's decision stays hidden
    assert hits("QUYẾT ĐỊNH") == [decision]
    assert hits("huynh duc thinh") == [decision]  # words of the OCR text
    assert hits("quyết định khai sinh") == []  # every word must be there
    assert hits("cap phep") == [decision]  # words of the title
    staff = services.vault.finder.search("quyet dinh", viewer=_staff(services))
    assert {h.id for h in staff} == {decision, theirs}  # the agency digitised both
    empty = anonymous.get("/api/v1/search", params={"q": "  ..."}, headers=citizen)
    assert empty.status_code == 422
    assert anonymous.get("/api/v1/search", params={"q": "x"}).status_code == 401


def test_the_index_holds_tokens_not_words(services: Services) -> None:
    _file(services, CITIZEN, "Giấy tờ", f"Người được cấp: {MARKER}")
    assert [h.title for h in services.vault.finder.search("huynh thinh", viewer=_system())] == [
        "Giấy tờ"]
    # Not in the index's folder (each word is a keyed token there)...
    folder = services.settings.search_path
    indexed = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file()).lower()
    assert indexed and all(word.encode() not in indexed
                           for word in ("huynh", "thinh", "huỳnh", "thịnh"))
    # ... nor in the database's change log, nor anywhere in its file.
    engine = services.engine
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        assert database is not None
        sqlite3.connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        raw = Path(database).read_bytes().lower()
        assert b"huynh" not in raw and "huỳnh".encode() not in raw


def test_a_shredded_vault_is_found_no_more(services: Services) -> None:
    _file(services, CITIZEN, "Quyết định", "QUYẾT ĐỊNH số 12")
    assert services.vault.finder.search("quyet dinh", viewer=_system())
    services.vault.custody.shred(parse_owner_id(CITIZEN), reason="Chủ sở hữu yêu cầu", actor="test")
    assert services.vault.finder.search("quyet dinh", viewer=_system()) == []


def test_reindex_rebuilds_the_index_from_the_records_and_texts(services: Services) -> None:
    document = _file(services, CITIZEN, "Quyết định", f"cấp cho {MARKER}")
    assert [h.id for h in services.vault.finder.search("thinh", viewer=_system())] == [document]
    indexer = services.vault.finder.indexer
    assert indexer is not None
    indexer.engine.clear()  # the folder lost, as on a new server
    indexer.engine.commit()
    assert services.vault.finder.search("thinh", viewer=_system()) == []
    assert services.vault.finder.reindex() == 1
    assert [h.id for h in services.vault.finder.search("thinh", viewer=_system())] == [document]


def test_a_server_with_an_empty_folder_builds_its_index_by_itself(
        services: Services, tmp_path: Path) -> None:
    document = _file(services, CITIZEN, "Quyết định", f"cấp cho {MARKER}")
    # A second server, its index folder empty (new, or lost).
    fresh = Vault(services.sessions, services.blobs, keyring=services.vault_keys,
                  search_key=services.settings.search_key_bytes(),
                  search=IndexingOptions(tmp_path / "new-index"))
    assert [h.id for h in fresh.finder.search("thinh", viewer=_system())] == [document]
    fresh.finder.close()


def _system() -> Viewer:
    return Viewer.system("test")


def _staff(services: Services) -> Viewer:
    return Viewer(Role.STAFF, "canbo", agency=services.settings.agency.code)


def test_what_was_typed_ranks_first_with_phrases_beginnings_filters_and_marks(
        services: Services, anonymous: TestClient) -> None:
    road = _file(services, CITIZEN, "Đường Láng", "Biên bản bàn giao mặt bằng đường Láng")
    name = _file(services, CITIZEN, "Phố Dương Quảng Hàm",
                 "Thông báo về việc đặt tên phố Dương Quảng Hàm dương dương")
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    citizen = login(anonymous, "congdan")

    def search(**params: str) -> list[dict]:
        response = anonymous.get("/api/v1/search", params=params, headers=citizen)
        assert response.status_code == 200, response.text
        return response.json()["hits"]

    ranked = search(q="đường")
    assert [h["id"] for h in ranked] == [road, name]  # every "đường" before any "dương"
    assert ranked[0]["exact"] and not ranked[1]["exact"]
    assert ranked[0]["highlights"] == {"title": [[0, 5]]}
    assert {h["id"] for h in search(q="duong")} == {road, name}
    assert [h["id"] for h in search(q='"bàn giao mặt bằng"')] == [road]
    assert [h["id"] for h in search(q='"mặt bàn giao"')] == []
    assert [h["id"] for h in search(q="quảng hà*")] == [name]
    assert search(q="quảng hà*")[0]["highlights"] == {"title": [[10, 15], [16, 19]]}
    assert search(q="duong", filed_from="2999-01-01") == []
    assert len(search(q="duong", filed_to="2999-01-01")) == 2
    assert search(q="duong", doc_type="khong-co") == []
    whole = [h["id"] for h in search(q="duong")]
    assert [h["id"] for h in search(q="duong", limit="1", offset="1")] == whole[1:2]
