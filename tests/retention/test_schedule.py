"""The retention schedule: periods per procedure, the Maintenance value, transfer dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retention import (
    MAINTENANCE_MAX,
    RetentionSchedule,
    ScheduleError,
    add_years,
    transfer_due,
    transfer_notice_from,
)
from sohoa.cli import app as cli

CSV = """# a sector schedule
category,procedures,retention,basis
Hồ sơ hộ tịch,DKKH TRICHLUC,permanent,TT 04/2020/TT-BTP Art. 37(1)
Giấy phép xây dựng,GPXD,20,Sector schedule Art. 3
Khác,*,10,Sector schedule Art. 9
"""


def test_the_bundled_schedule_says_it_is_an_example_and_covers_every_procedure() -> None:
    # REGULATIONS 9.D.34: every archived file gets a Maintenance value from a schedule.
    schedule = RetentionSchedule.load()
    assert schedule.example
    assert schedule.for_procedure("DKKH").retention.permanent
    assert schedule.for_procedure("DKKH").retention.maintenance == "Vĩnh viễn"
    assert schedule.for_procedure("KHONG-CO") is schedule.default
    assert schedule.for_procedure(None) is schedule.default
    for rule in [*schedule.rules, schedule.default]:
        assert 0 < len(rule.retention.maintenance) <= MAINTENANCE_MAX  # App. VI String(30)
        assert rule.basis


def test_csv_and_yaml_schedules_read_the_same(tmp_path: Path) -> None:
    as_csv = tmp_path / "schedule.csv"
    as_csv.write_text(CSV, encoding="utf-8")
    as_yaml = tmp_path / "schedule.yaml"
    as_yaml.write_text("""rules:
  - {category: Hồ sơ hộ tịch, procedures: [DKKH, TRICHLUC], retention: permanent,
     basis: TT 04/2020/TT-BTP Art. 37(1)}
  - {category: Giấy phép xây dựng, procedures: [GPXD], retention: 20,
     basis: Sector schedule Art. 3}
  - {category: Khác, procedures: ["*"], retention: 10, basis: Sector schedule Art. 9}
""", encoding="utf-8")
    from_csv, from_yaml = RetentionSchedule.load(as_csv), RetentionSchedule.load(as_yaml)
    assert [r.as_dict() for r in from_csv.rules] == [r.as_dict() for r in from_yaml.rules]
    assert from_csv.default.as_dict() == from_yaml.default.as_dict()
    assert not from_csv.example and not from_yaml.example
    assert from_csv.for_procedure("GPXD").retention.maintenance == "20 năm"
    assert from_csv.for_procedure("TRICHLUC").retention.permanent


@pytest.mark.parametrize(("body", "named"), [
    ("rules:\n  - {category: A, procedures: [X], retention: 5, basis: B}\n", "mặc định"),
    ("rules:\n  - {category: A, procedures: [X], retention: 0, basis: B}\n"
     "  - {category: D, procedures: ['*'], retention: 5, basis: B}\n", "rule 1"),
    ("rules:\n  - {category: A, procedures: [X], retention: mãi, basis: B}\n", "retention"),
    ("rules:\n  - {category: A, procedures: [X], retention: 5}\n", "basis"),
    ("rules:\n  - {procedures: [X], retention: 5, basis: B}\n", "category"),
    ("rules:\n  - {category: A, procedures: [], retention: 5, basis: B}\n", "procedures"),
    ("rules:\n  - {category: A, procedures: [X], retention: 5, basis: B, trigger: signed}\n",
     "trigger"),
    ("rules:\n  - {category: A, procedures: [X], retention: 5, basis: B}\n"
     "  - {category: C, procedures: [X], retention: 9, basis: B}\n"
     "  - {category: D, procedures: ['*'], retention: 5, basis: B}\n", "rule 2"),
    ("rules: [\n", "YAML"),
    ("just text\n", "rules"),
])
def test_a_bad_schedule_is_refused_naming_the_rule_and_field(
        tmp_path: Path, body: str, named: str) -> None:
    path = tmp_path / "schedule.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ScheduleError, match=named) as refused:
        RetentionSchedule.load(path)
    assert str(path) in str(refused.value)


def test_a_csv_without_its_columns_or_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    no_columns = tmp_path / "schedule.csv"
    no_columns.write_text("loai,thoi_han\nA,5\n", encoding="utf-8")
    with pytest.raises(ScheduleError, match="basis, category, procedures, retention"):
        RetentionSchedule.load(no_columns)
    other = tmp_path / "schedule.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(ScheduleError, match=".yaml"):
        RetentionSchedule.load(other)
    with pytest.raises(ScheduleError, match="cannot read"):
        RetentionSchedule.load(tmp_path / "missing.yaml")


def test_transfer_is_due_a_year_after_the_work_ended_with_notice_30_days_before() -> None:
    # REGULATIONS 9.D.30: transfer_due = work end + 1 year; a notice ≥ 30 days before.
    assert transfer_due(date(2026, 3, 15)) == date(2027, 3, 15)
    assert transfer_notice_from(date(2026, 3, 15)) == date(2027, 2, 13)
    assert transfer_due(date(2028, 2, 29)) == date(2029, 2, 28)  # a leap day
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_disposal_comes_only_after_the_period_and_never_for_permanent_files() -> None:
    schedule = RetentionSchedule.load()
    ended = date(2026, 1, 10)
    assert schedule.for_procedure("DKKH").retention.disposal_from(ended) is None
    ten_years = schedule.default.retention
    assert ten_years.disposal_from(ended) == date(2036, 1, 10)


def test_the_cli_prints_the_schedule_and_refuses_a_bad_one(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["retention", "schedule", "--json"])
    assert shown.exit_code == 0, shown.output
    printed = json.loads(shown.output)
    assert printed["example"] is True
    assert {"DKKH", "TRICHLUC"} <= set(printed["rules"][0]["procedures"])
    bad = tmp_path / "schedule.yaml"
    bad.write_text("rules:\n  - {category: A, procedures: [X], retention: -1, basis: B}\n",
                   encoding="utf-8")
    refused = runner.invoke(cli, ["retention", "schedule", "--file", str(bad)])
    assert refused.exit_code != 0
    assert "invalid_retention_schedule" in refused.output and "rule 1" in refused.output
