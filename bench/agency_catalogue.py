#!/usr/bin/env python3
"""Benchmark: loading a province's catalogue of agencies (issue 28: ≥ 300 agencies in < 5 s).

A generated province (`tests/vault/province.py`): the province, its departments, its
communes with their one-stop units, and the communes merged away in 2025. The figure
is ``sohoa``'s whole load — the file read and checked row by row, then every agency
added to a fresh embedded database in one transaction. The baseline, in the same run,
is what any loader does at least: the same CSV read with ``csv`` and its rows inserted
into a plain SQLite table with one ``executemany``.

    .venv/bin/python bench/agency_catalogue.py [--communes 150]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sohoa.runtime import build_services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from tests.vault.province import province_rows, write_csv  # noqa: E402
from vault import read_catalogue  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=90)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-agencies-") as folder:
        path = write_csv(province_rows(communes=args.communes), Path(folder) / "tinh.csv")
        services = build_services(Settings(data_dir=Path(folder) / "data", fsck_on_start=False),
                                  start_jobs=False)
        try:
            started = time.perf_counter()
            entries = read_catalogue(path)
            report = services.vault.agencies.import_catalogue(entries, actor="bench")
            seconds = time.perf_counter() - started
        finally:
            services.close()
        started = time.perf_counter()
        with path.open(encoding="utf-8") as source, sqlite3.connect(
                os.path.join(folder, "plain.db")) as plain:
            plain.execute("CREATE TABLE agencies (code TEXT PRIMARY KEY, name TEXT, parent TEXT,"
                          " kind TEXT, valid_from TEXT, valid_to TEXT, successor TEXT)")
            plain.executemany("INSERT INTO agencies VALUES (:code, :name, :parent, :kind, "
                              ":valid_from, :valid_to, :successor)", csv.DictReader(source))
        baseline = time.perf_counter() - started
    print(json.dumps({
        "benchmark": "agency_catalogue", "machine": {"cores": os.cpu_count()},
        "agencies": len(entries), "added": report.added,
        "seconds": round(seconds, 3), "baseline_seconds": round(baseline, 4),
        "baseline": "csv.DictReader + sqlite3 executemany into a plain table",
        "ratio_vs_baseline": round(seconds / baseline, 1), "goal_seconds": 5.0,
    }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
