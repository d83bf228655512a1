"""The configured retention schedule is checked when the service starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention import ScheduleError
from sohoa.runtime import build_services
from sohoa.settings import Settings


def test_a_bad_retention_schedule_stops_the_start_and_a_good_one_is_used(
        data_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = tmp_path / "schedule.csv"
    schedule.write_text("category,procedures,retention,basis\nKhác,*,forever,Sector Art. 1\n",
                        encoding="utf-8")
    monkeypatch.setenv("SOHOA_RETENTION_FILE", str(schedule))
    with pytest.raises(ScheduleError, match="row 1"):
        build_services(Settings())
    # On SQLite: refused before the database file was even made.
    assert not (data_env / "sohoa.db").exists()

    schedule.write_text("category,procedures,retention,basis\nKhác,*,15,Sector Art. 1\n",
                        encoding="utf-8")
    services = build_services(Settings(), start_jobs=False)
    try:
        assert not services.retention.example
        assert services.retention.for_procedure("DKKH").retention.maintenance == "15 năm"
    finally:
        services.close()
