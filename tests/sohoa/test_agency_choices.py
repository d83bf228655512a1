"""People choose agencies by name, grouped under the agency above, and never the
development agency once real ones exist (issue 28, items 1 and 5)."""

from __future__ import annotations

from datetime import date

from sohoa.settings.work import DEVELOPMENT_AGENCY
from sohoa.web.agency_choices import agency_groups
from vault.records import AgencyRecord

TODAY = date(2026, 12, 7)
PROVINCE = AgencyRecord("000.00.00.H50", "UBND tỉnh Thử Nghiệm", None, None, kind="province")


def _agency(code: str, name: str, parent: str | None = PROVINCE.code,
            valid_to: date | None = None) -> AgencyRecord:
    return AgencyRecord(code, name, None, valid_to, parent=parent)


def test_choices_are_grouped_under_their_parent_by_name_and_ended_ones_are_gone() -> None:
    groups = agency_groups([
        PROVINCE, _agency("000.00.31.H50", "UBND phường Bến Thành"),
        _agency("000.00.32.H50", "UBND phường Bàn Cờ"),
        _agency("000.00.31.H50.U1", "Bộ phận một cửa", parent="000.00.31.H50"),
        _agency("000.00.33.H50", "UBND xã Cũ", valid_to=date(2025, 6, 30)),
    ], TODAY)
    assert [(g.label, [name for _, name in g.choices]) for g in groups] == [
        ("", ["UBND tỉnh Thử Nghiệm"]),
        ("UBND phường Bến Thành", ["Bộ phận một cửa"]),
        ("UBND tỉnh Thử Nghiệm", ["UBND phường Bàn Cờ", "UBND phường Bến Thành"]),
    ]


def test_the_development_agency_is_offered_only_while_it_is_the_only_one() -> None:
    dev = AgencyRecord(DEVELOPMENT_AGENCY, "Cơ quan thử nghiệm (DEV)", None, None)
    alone = agency_groups([dev], TODAY)
    assert [c for g in alone for c, _ in g.choices] == [DEVELOPMENT_AGENCY]
    with_real = agency_groups([dev, PROVINCE, _agency("000.00.31.H50", "UBND phường Bến Thành")],
                              TODAY)
    assert DEVELOPMENT_AGENCY not in [c for g in with_real for c, _ in g.choices]
