"""Dossier codes: agency, receipt day, and a daily sequence per agency (REGULATIONS 9.B.15)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel import parse_owner_id
from sohoa.db import make_engine, migrate, session_factory
from storage import LocalBlobStore
from tests.sealing import install_sealer
from vault import NotFound, Vault, is_dossier_code


@pytest.fixture
def vault(tmp_path: Path, database_url: str) -> Vault:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    install_sealer(sessions)
    v = Vault(sessions, LocalBlobStore(tmp_path / "blobs", url_secret=b"k"))
    v.agencies.ensure_agency("000.00.31.H50", "UBND thành phố thử nghiệm")
    v.agencies.ensure_agency("000.00.48.H17", "UBND tỉnh thử nghiệm")
    return v


def test_codes_follow_agency_day_sequence_and_restart_each_day(vault: Vault) -> None:
    # REGULATIONS 9.B.15
    owner = parse_owner_id("079199000111")
    day1 = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    late = datetime(2026, 3, 5, 16, 59, tzinfo=UTC)  # 23:59 in Vietnam, same day
    next_day = datetime(2026, 3, 5, 17, 1, tzinfo=UTC)  # 00:01 on 6 March in Vietnam
    codes = [vault.intake.open_dossier("000.00.31.H50", owner, actor="t", now=m)
             for m in (day1, day1, late, next_day)]
    assert codes == ["000.00.31.H50-260305-0001", "000.00.31.H50-260305-0002",
                     "000.00.31.H50-260305-0003", "000.00.31.H50-260306-0001"]
    assert all(is_dossier_code(c) for c in codes)


def test_each_agency_has_its_own_sequence(vault: Vault) -> None:
    owner = parse_owner_id("079199000111")
    moment = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    a = vault.intake.open_dossier("000.00.31.H50", owner, actor="t", now=moment)
    b = vault.intake.open_dossier("000.00.48.H17", owner, actor="t", now=moment)
    assert a.endswith("-0001") and b.endswith("-0001") and a != b


def test_unknown_agency_is_refused(vault: Vault) -> None:
    with pytest.raises(NotFound):
        vault.intake.open_dossier("999.99.99.X00", parse_owner_id("079199000111"), actor="t")
