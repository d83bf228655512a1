"""Holds are retention's own: whether a dossier may be destroyed is asked of the rows,
never of a count its caller brings (issue 27, item 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import vault.models  # noqa: F401 - the dossiers table the holds point at
from kernel import Base
from retention import DisposalRefused, HoldNotFound, Retention, disposable_on, holds

ENDED = date(2020, 2, 29)
LATER = date(2030, 1, 1)
NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


def _session() -> Session:
    # SQLite without foreign keys: the holds need no dossier rows to be counted.
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    return Session(engine)


def test_a_standing_hold_refuses_disposal_until_it_is_released() -> None:
    # REGULATIONS 9.D.35: a hold blocks destruction even after the retention period.
    session = _session()
    dossier = 7  # holds name the dossier by id; the rows of other dossiers do not count
    assert disposable_on(session, dossier, "H50-1", Retention(5), ENDED, LATER) == date(2025, 2, 28)
    hold = holds.place(session, dossier, "Thanh tra đang xem xét", by="luutru.an", at=NOW)
    holds.place(session, 8, "hồ sơ khác", by="luutru.an", at=NOW)
    with pytest.raises(DisposalRefused, match="legal hold"):
        disposable_on(session, dossier, "H50-1", Retention(5), ENDED, LATER)
    holds.release(session, hold.id, "Kết thúc thanh tra", by="luutru.binh", at=NOW)
    assert disposable_on(session, dossier, "H50-1", Retention(5), ENDED, LATER) == date(2025, 2, 28)
    assert [h.released_by for h in holds.holds_on(session, dossier)] == ["luutru.binh"]
    with pytest.raises(HoldNotFound):  # a released hold cannot be released again
        holds.release(session, hold.id, "again", by="luutru.binh", at=NOW)
