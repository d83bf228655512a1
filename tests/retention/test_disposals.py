"""Disposal proposals are retention's own rows (issue 27, item 2): one waiting proposal per
dossier, a decision that ends it, and a yearly count the record numbers start from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import vault.models  # noqa: F401 - the dossiers table the proposals point at
from kernel import Base
from retention import DisposalRefused, disposals
from retention.disposals import DisposalStatus, ProposalNotFound

NOW = datetime(2030, 3, 1, 9, tzinfo=UTC)


def _session() -> Session:
    engine = create_engine("sqlite://")  # no foreign keys: no dossier rows needed
    Base.metadata.create_all(engine)
    return Session(engine)


def test_a_dossier_has_at_most_one_proposal_waiting_and_a_rejection_frees_it() -> None:
    # REGULATIONS 9.D.34: the review list holds one proposal per dossier for a second person.
    session = _session()
    first = disposals.propose(session, 7, "H50-1", "Hết thời hạn", by="luutru.an", at=NOW)
    disposals.propose(session, 8, "H50-2", "Hết thời hạn", by="luutru.an", at=NOW)
    assert disposals.pending_for(session, 7) == first.id
    with pytest.raises(DisposalRefused, match="already pending"):
        disposals.propose(session, 7, "H50-1", "lần nữa", by="luutru.binh", at=NOW)
    disposals.reject(session, first.id, "Còn giá trị tra cứu", by="luutru.binh", at=NOW)
    assert disposals.pending_for(session, 7) is None
    with pytest.raises(ProposalNotFound):  # a decided proposal cannot be decided again
        disposals.reject(session, first.id, "again", by="luutru.binh", at=NOW)
    again = disposals.propose(session, 7, "H50-1", "Đề nghị lại", by="luutru.an", at=NOW)
    assert again.id != first.id


def test_destructions_begun_are_counted_in_their_year_and_listed_until_finished() -> None:
    session = _session()
    waiting = [disposals.propose(session, n, f"H50-{n}", "Hết hạn", by="luutru.an", at=NOW)
               for n in (1, 2, 3)]
    for proposal, year in zip(waiting[:2], (2030, 2031), strict=True):
        disposals.begin_destruction(proposal, by="luutru.binh", at=NOW.replace(year=year),
                                    decision="QĐ 12/QĐ-UBND", record_key=f"r/{proposal.id}",
                                    record_sha256="0" * 64, tombstone={"dossier_code": "x"})
    session.flush()
    assert disposals.issued_in(session, 2030) == 1 and disposals.issued_in(session, 2029) == 0
    assert set(disposals.destroying(session)) == {waiting[0].id, waiting[1].id}
    disposals.finish(session, waiting[0].id)
    assert disposals.destroying(session) == [waiting[1].id]
    done = disposals.get(session, waiting[0].id)
    assert done is not None and done.status == DisposalStatus.DONE
    assert sorted(k for k, _ in disposals.records_kept(session)) == sorted(
        f"r/{p.id}" for p in waiting[:2])
