"""When a dossier may be destroyed, and the destruction record (biên bản hủy)."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime

import pikepdf
import pytest

from retention import (
    DestructionRecord,
    DisposalRefused,
    Retention,
    check_second_person,
    destruction_record_pdf,
)
from retention.disposal import disposal_rule
from signing.fonts import find_source_font

ENDED = date(2020, 2, 29)


def test_a_permanent_dossier_is_never_destroyed() -> None:
    # REGULATIONS 9.D.34
    with pytest.raises(DisposalRefused, match="permanently"):
        disposal_rule("H50-1", Retention(None), ENDED, date(2200, 1, 1), holds=0)


def test_destruction_waits_for_the_whole_retention_period() -> None:
    # REGULATIONS 9.D.34: five years from 29 February 2020 end on 28 February 2025.
    five = Retention(5)
    with pytest.raises(DisposalRefused, match="2025-02-28"):
        disposal_rule("H50-1", five, ENDED, date(2025, 2, 27), holds=0)
    assert disposal_rule("H50-1", five, ENDED, date(2025, 2, 28), holds=0) == date(2025, 2, 28)


def test_a_hold_blocks_destruction_even_after_the_period() -> None:
    # REGULATIONS 9.D.35
    with pytest.raises(DisposalRefused, match="legal hold"):
        disposal_rule("H50-1", Retention(5), ENDED, date(2030, 1, 1), holds=1)


def test_the_proposer_cannot_approve_their_own_proposal() -> None:
    # REGULATIONS 9.D.35
    with pytest.raises(DisposalRefused, match="second person"):
        check_second_person("luutru.an", "luutru.an")
    check_second_person("luutru.an", "luutru.binh")


def test_the_destruction_record_states_what_was_destroyed_and_by_whom() -> None:
    record = DestructionRecord(
        number="HUY-2025-0001", agency="Lưu trữ lịch sử tỉnh Thừa Thiên Huế",
        dossier_code="000.00.31.H50-200229-0001", file_code="000.00.31.H50.2020.200229-0001",
        title="Hồ sơ trích lục khai sinh của Nguyễn Thị Hường", maintenance="5 năm",
        work_ended=ENDED, disposal_from=date(2025, 2, 28), reason="Hết thời hạn bảo quản",
        decision="Quyết định số 12/QĐ-LT", proposed_by="luutru.an", approved_by="luutru.binh",
        destroyed_at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC), package_checksum="ab" * 32,
        files=(("representations/original/data/a.png", "cd" * 32, 1234),))
    pdf = destruction_record_pdf(record, find_source_font())
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    for expected in ("BIÊN BẢN HỦY", "000.00.31.H50.2020.200229-0001", "Nguyễn Thị Hường",
                     "luutru.binh", "28/02/2025", "cd" * 32):
        assert expected in text
