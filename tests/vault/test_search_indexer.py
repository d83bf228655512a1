"""Each server's indexer follows the change log (``vault.search_indexer``): it takes in
every change, in bursts larger than one read, and one whose transaction committed after
a younger one was read (log numbers are given at insert, not at commit)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, insert, select

from kernel import Viewer
from sohoa.services import Services
from tests.vault.test_search import CITIZEN, _file
from vault import Vault
from vault.search import IndexingOptions
from vault.search_log import SearchChange

SYSTEM = Viewer.system("test")


def _vault(services: Services, folder: Path, **options: float) -> Vault:
    return Vault(services.sessions, services.blobs, keyring=services.vault_keys,
                 search_key=services.settings.search_key_bytes(),
                 search=IndexingOptions(folder, **options))  # type: ignore[arg-type]


def _found(vault: Vault, words: str) -> set[str]:
    return {h.title for h in vault.finder.search(words, viewer=SYSTEM)}


def test_a_burst_larger_than_one_read_is_taken_in_whole(services: Services,
                                                        tmp_path: Path) -> None:
    server = _vault(services, tmp_path / "index", batch=2)
    server.finder.reindex()
    for n in range(5):
        _file(services, CITIZEN, f"Biên bản {n}", "biên bản họp")
    assert server.finder.indexer is not None
    assert server.finder.indexer.catch_up() == 5
    assert _found(server, "biên bản") == {f"Biên bản {n}" for n in range(5)}
    server.finder.close()


def test_a_change_committed_late_is_read_when_it_commits(services: Services,
                                                        tmp_path: Path) -> None:
    server = _vault(services, tmp_path / "index", settle_seconds=3600)
    server.finder.reindex()
    early = _file(services, CITIZEN, "Tờ trình sớm", "tờ trình")
    _file(services, CITIZEN, "Tờ trình muộn", "tờ trình")
    # The first change's transaction has not committed yet when the indexer reads.
    with services.sessions() as session, session.begin():
        row = session.execute(select(SearchChange.seq, SearchChange.changed_at).where(
            SearchChange.document_id == early)).one()
        session.execute(delete(SearchChange).where(SearchChange.seq == row.seq))
    assert server.finder.indexer is not None
    server.finder.indexer.catch_up()
    assert _found(server, "tờ trình") == {"Tờ trình muộn"}
    # Now it commits, under its lower number: the indexer has not moved past it.
    with services.sessions() as session, session.begin():
        session.execute(insert(SearchChange).values(seq=row.seq, document_id=early,
                                                    changed_at=row.changed_at))
    server.finder.indexer.catch_up()
    assert _found(server, "tờ trình") == {"Tờ trình sớm", "Tờ trình muộn"}
    server.finder.close()
