"""The ranked index beside the database (``vault.search_engine``): BM25 with what was
typed first (for "đường": every "đường" before any "dương"), phrases, beginnings of
words, filters, and each viewer's reach; no word of a document in its files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from vault.search import BlindIndex
from vault.search_engine import Filters, IndexedDocument, Reach, SearchEngine

KEY = b"k" * 32
INDEX = BlindIndex(KEY)
EVERYWHERE = Reach(everywhere=True)


def _doc(document_id: str, text: str, *, agencies: tuple[str, ...] = ("1",),
         owner: str = "o1", doc_type: str = "QD", created: datetime | None = None,
         granted_to: tuple[str, ...] = (), archived: bool = False) -> IndexedDocument:
    terms = INDEX.document_terms([text])
    return IndexedDocument(document_id, terms.exact, terms.folded, terms.prefixes, agencies,
                           owner, created or datetime(2026, 1, 1, tzinfo=UTC), doc_type,
                           granted_to, archived)


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    return SearchEngine(tmp_path / "search")


def _ids(engine: SearchEngine, query: str, reach: Reach = EVERYWHERE, **options: object) -> list[str]:
    return [h.document_id for h in engine.search(INDEX.query_terms(query), reach,
                                                 **options)]  # type: ignore[arg-type]


def test_what_was_typed_comes_before_what_only_folds_to_it(engine: SearchEngine) -> None:
    # A "dương" document that says it many times, in a short text, still comes after a
    # long one that says "đường" once: BM25 ranks within each tier, never across.
    long_text = "công văn về việc " * 200 + "đường"
    engine.put([_doc("duong-many", "dương dương dương dương"), _doc("duong-once", "dương"),
                _doc("duong-in-long", long_text), _doc("road-once", "đường Láng"),
                _doc("other", "quyết định")])
    engine.commit()
    found = _ids(engine, "đường")
    assert set(found[:2]) == {"duong-in-long", "road-once"}
    assert set(found[2:]) == {"duong-many", "duong-once"}
    # Typed without accents, every spelling is found.
    assert set(_ids(engine, "duong")) == {"duong-many", "duong-once", "duong-in-long",
                                          "road-once"}


def test_phrases_beginnings_and_words(engine: SearchEngine) -> None:
    engine.put([_doc("a", "Quyết định cấp giấy khai sinh"),
                _doc("b", "định hướng quyết tâm khai báo"),
                _doc("c", "Giấy chứng nhận quyền sử dụng đất")])
    engine.commit()
    assert set(_ids(engine, "quyết định")) == {"a", "b"}
    assert _ids(engine, '"quyết định"') == ["a"]
    assert _ids(engine, '"quyet dinh" giay') == ["a"]
    assert set(_ids(engine, "khai*")) == {"a", "b"}
    assert _ids(engine, "khai* sinh") == ["a"]
    assert _ids(engine, "chứng nh*") == ["c"]
    assert _ids(engine, "xyz") == []


def test_each_viewer_reaches_only_their_own(engine: SearchEngine) -> None:
    engine.put([_doc("mine", "giấy khai sinh", agencies=("1",), owner="o1"),
                _doc("theirs", "giấy khai sinh", agencies=("2",), owner="o2"),
                _doc("granted", "giấy khai sinh", agencies=("2",), owner="o3",
                     granted_to=("1",)),
                _doc("archived", "giấy khai sinh", agencies=("3",), owner="o4",
                     archived=True)])
    engine.commit()
    assert set(_ids(engine, "khai sinh", Reach(agency="1"))) == {"mine", "granted"}
    assert set(_ids(engine, "khai*", Reach(agency="1"))) == {"mine", "granted"}
    assert _ids(engine, "khai sinh", Reach(agency="3")) == ["archived"]
    assert set(_ids(engine, "khai sinh", Reach(owners=("o2", "o3")))) == {"theirs", "granted"}
    assert _ids(engine, "khai sinh", Reach(archive=True)) == ["archived"]
    assert len(_ids(engine, "khai sinh")) == 4
    assert _ids(engine, "khai sinh", Reach()) == []  # no reach, nothing


def test_filters_narrow_by_type_date_and_agency(engine: SearchEngine) -> None:
    engine.put([_doc("old", "thông báo", doc_type="TB", created=datetime(2024, 5, 1, tzinfo=UTC)),
                _doc("new", "thông báo", doc_type="TB", created=datetime(2026, 5, 1, tzinfo=UTC),
                     agencies=("2",)),
                _doc("decision", "thông báo quyết định", doc_type="QD")])
    engine.commit()
    assert set(_ids(engine, "thông báo", filters=Filters(doc_type="TB"))) == {"old", "new"}
    assert _ids(engine, "thông báo", filters=Filters(
        doc_type="TB", created_from=datetime(2025, 1, 1, tzinfo=UTC))) == ["new"]
    assert _ids(engine, "thông báo", filters=Filters(
        created_to=datetime(2025, 1, 1, tzinfo=UTC))) == ["old"]
    assert _ids(engine, "thông báo", filters=Filters(agency="2")) == ["new"]


def test_pages_run_on_from_one_tier_into_the_next(engine: SearchEngine) -> None:
    engine.put([_doc(f"road-{n}", "đường " * (n + 1)) for n in range(3)]
               + [_doc(f"sun-{n}", "dương " * (n + 1)) for n in range(3)])
    engine.commit()
    whole = _ids(engine, "đường", limit=10)
    assert [i.split("-")[0] for i in whole] == ["road"] * 3 + ["sun"] * 3
    pages = [_ids(engine, "đường", limit=2, offset=start) for start in (0, 2, 4)]
    assert [i for page in pages for i in page] == whole


def test_a_document_indexed_again_replaces_itself_and_can_be_removed(
        engine: SearchEngine) -> None:
    engine.put([_doc("a", "biên bản")])
    engine.put([_doc("a", "tờ trình")])
    engine.commit()
    assert _ids(engine, "biên bản") == [] and _ids(engine, "tờ trình") == ["a"]
    engine.remove(["a"])
    engine.commit()
    assert _ids(engine, "tờ trình") == [] and engine.count() == 0


def test_another_process_reading_the_folder_sees_each_commit(tmp_path: Path) -> None:
    writer = SearchEngine(tmp_path / "search")
    reader = SearchEngine(tmp_path / "search")
    writer.put([_doc("a", "hộ kinh doanh")])
    writer.commit()
    reader.refresh()
    assert _ids(reader, "kinh doanh") == ["a"]


def test_the_index_holds_no_word_of_a_document(engine: SearchEngine, tmp_path: Path) -> None:
    marker = "Nguyễn Thị Bích Ngọc số 079199001234 đường Điện Biên Phủ"
    engine.put([_doc("a", marker)])
    engine.commit()
    engine.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "search").rglob("*") if p.is_file())
    for word in ("nguyen", "nguyễn", "ngoc", "bich", "079199001234", "dien", "bien"):
        assert word.encode() not in stored.lower(), word


def test_a_folder_of_another_kind_is_emptied_to_be_built_again(tmp_path: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    (tmp_path / "search").mkdir()
    other = tantivy.Index(builder.build(), path=str(tmp_path / "search"))
    writer = other.writer()
    writer.add_document(tantivy.Document(title="older"))
    writer.commit()
    writer.wait_merging_threads()
    (tmp_path / "search" / "applied.json").write_text('{"seq": 7}')
    engine = SearchEngine(tmp_path / "search")
    assert engine.count() == 0  # and the indexer, finding no mark, builds it from the vault
    assert not (tmp_path / "search" / "applied.json").exists()
    engine.put([_doc("a", "hộ tịch")])
    engine.commit()
    assert _ids(engine, "hộ tịch") == ["a"]
