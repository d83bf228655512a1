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
from sqlalchemy import text

from kernel import Role, Viewer, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import login, make_account
from vault import FileRole, NewFile

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
    engine = services.engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            rows = connection.execute(text("SELECT meta_terms || ' ' || text_terms || ' ' || "
                                           "tsv::text FROM search_fts")).scalars().all()
        else:
            rows = connection.execute(text("SELECT meta_terms || ' ' || text_terms "
                                           "FROM search_fts")).scalars().all()
    indexed = " ".join(rows).lower()
    assert indexed and all(word not in indexed for word in ("huynh", "thinh", "huỳnh"))
    if engine.dialect.name == "sqlite":
        # Nor anywhere in the database file, FTS shadow tables included.
        database = engine.url.database
        assert database is not None
        sqlite3.connect(database).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        raw = Path(database).read_bytes().lower()
        assert b"huynh" not in raw and "huỳnh".encode() not in raw
    assert [h.title for h in services.vault.finder.search("huynh thinh", viewer=_system())] == [
        "Giấy tờ"]


def test_a_shredded_vault_is_found_no_more(services: Services) -> None:
    _file(services, CITIZEN, "Quyết định", "QUYẾT ĐỊNH số 12")
    assert services.vault.finder.search("quyet dinh", viewer=_system())
    services.vault.custody.shred(parse_owner_id(CITIZEN), reason="Chủ sở hữu yêu cầu", actor="test")
    assert services.vault.finder.search("quyet dinh", viewer=_system()) == []


def test_reindex_rebuilds_the_index_from_the_records_and_texts(services: Services) -> None:
    document = _file(services, CITIZEN, "Quyết định", f"cấp cho {MARKER}")
    with services.sessions() as session, session.begin():
        session.execute(text("DELETE FROM search_fts"))
    assert services.vault.finder.search("thinh", viewer=_system()) == []
    assert services.vault.finder.reindex() == 1
    assert [h.id for h in services.vault.finder.search("thinh", viewer=_system())] == [document]


def _system() -> Viewer:
    return Viewer.system("test")


def _staff(services: Services) -> Viewer:
    return Viewer(Role.STAFF, "canbo", agency=services.settings.agency.code)
