"""A province loads its tree of agencies from a file it keeps (issue 28, item 1)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sohoa.cli.main import app
from sohoa.services import Services
from tests.vault.province import PROVINCE, province_rows, write_csv
from vault import AgencyCatalogueError, read_catalogue

runner = CliRunner()


def test_a_province_tree_with_its_mergers_loads_and_loading_again_changes_nothing(
        services: Services, tmp_path: Path) -> None:
    rows = province_rows(departments=20, communes=90, units=2)
    assert len(rows) >= 300  # a province after the 2025 reorganisation
    path = write_csv(rows, tmp_path / "tinh.csv")
    agencies = services.vault.agencies
    report = agencies.import_catalogue(read_catalogue(path), actor="t")
    assert (report.added, report.changed) == (len(rows), 0)
    listed = {a.code: a for a in agencies.listing()}
    commune = listed["000.00.07.H50"]
    assert (commune.kind, commune.parent) == ("commune", PROVINCE)
    assert listed["000.00.07.H50.U2"].parent == "000.00.07.H50"
    merged = listed["000.00.07.H50.X"]
    assert (merged.valid_to, merged.successor) == (date(2025, 6, 30), "000.00.07.H50")
    assert listed[PROVINCE].parent is None and listed[PROVINCE].kind == "province"
    again = agencies.import_catalogue(read_catalogue(path), actor="t")
    assert (again.added, again.changed, again.unchanged) == (0, 0, len(rows))
    rows[3]["name"] = "Sở Tư pháp"
    renamed = agencies.import_catalogue(read_catalogue(write_csv(rows, path)), actor="t")
    assert (renamed.added, renamed.changed) == (0, 1)
    # Found by name with or without accents, as a person types it.
    assert [a.code for a in agencies.listing("so tu phap")] == [rows[3]["code"]]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_stored(
        services: Services, tmp_path: Path) -> None:
    rows = province_rows(departments=2, communes=2, units=1)
    rows[1]["parent"] = "000.99.99.H99"  # row 3 of the file: no such agency
    rows[2]["kind"] = "huyện"  # districts were abolished: not a kind any more
    rows[3]["valid_to"] = "31/02/2025"
    rows[4]["code"] = rows[0]["code"]  # the province's code again
    for code, name, parent in (("000.77.00.H50", "Sở A", "000.78.00.H50"),
                               ("000.78.00.H50", "Sở B", "000.77.00.H50"),  # a loop
                               ("000.79.00.H50", "", PROVINCE)):
        rows.append({"code": code, "name": name, "kind": "sở", "parent": parent,
                     "valid_from": "", "valid_to": "", "successor": ""})
    before = services.vault.agencies.listing()
    with pytest.raises(AgencyCatalogueError) as refused:
        read_catalogue(write_csv(rows, tmp_path / "sai.csv"))
    where = {(p.row, p.field) for p in refused.value.problems}
    assert {(3, "parent"), (4, "kind"), (5, "valid_to"), (6, "code")} <= where
    assert (len(rows) + 1, "name") in where  # the last row has no name
    assert any(p.field == "parent" and "vòng" in p.message for p in refused.value.problems)
    assert services.vault.agencies.listing() == before


def test_the_same_catalogue_reads_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "tinh.yaml"
    path.write_text("agencies:\n"
                    f"  - {{code: '{PROVINCE}', name: UBND tỉnh Thử Nghiệm, kind: province}}\n"
                    f"  - {{code: 000.00.31.H50, name: UBND phường Bến Thành, kind: phường,\n"
                    f"     parent: '{PROVINCE}', valid_from: 2025-07-01}}\n", encoding="utf-8")
    entries = read_catalogue(path)
    assert [(e.code, e.kind.value, e.parent) for e in entries] == [
        (PROVINCE, "province", None), ("000.00.31.H50", "commune", PROVINCE)]
    assert entries[1].valid_from == date(2025, 7, 1)


def test_the_cli_loads_lists_and_refuses_with_rows_named(data_env: Path, tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(data_env)}
    rows = province_rows(departments=3, communes=3, units=1)
    loaded = runner.invoke(app, ["admin", "agency", "import",
                                 str(write_csv(rows, tmp_path / "tinh.csv")), "--json"], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["added"] == len(rows)
    found = runner.invoke(app, ["admin", "agency", "list", "--search", "ubnd phuong so 2", "--json"],
                          env=env)
    assert [a["code"] for a in json.loads(found.stdout)["agencies"]] == ["000.00.02.H50"]
    rows[2]["parent"] = "không.có"
    refused = runner.invoke(app, ["admin", "agency", "import",
                                  str(write_csv(rows, tmp_path / "sai.csv"))], env=env)
    assert refused.exit_code == 2 and "dòng 4, cột parent" in refused.output
