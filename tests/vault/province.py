"""A generated province catalogue: one province, its departments, its communes and their
units, with the 2025 mergers (old communes ended, naming their successor)."""

from __future__ import annotations

import csv
from pathlib import Path

PROVINCE = "000.00.00.H50"


def province_rows(departments: int = 20, communes: int = 90, units: int = 2) -> list[dict[str, str]]:
    """Rows of a catalogue: 1 + departments + communes × (1 + units) + the merged-away ones."""
    rows = [{"code": PROVINCE, "name": "UBND tỉnh Thử Nghiệm", "kind": "tỉnh", "parent": "",
             "valid_from": "01/07/2025", "valid_to": "", "successor": ""}]
    for n in range(1, departments + 1):
        rows.append({"code": f"000.{n:02d}.00.H50", "name": f"Sở số {n}", "kind": "sở",
                     "parent": PROVINCE, "valid_from": "01/07/2025", "valid_to": "",
                     "successor": ""})
    for n in range(1, communes + 1):
        code = f"000.00.{n:02d}.H50" if n < 100 else f"000.01.{n:03d}.H50"
        rows.append({"code": code, "name": f"UBND phường Số {n}", "kind": "xã",
                     "parent": PROVINCE, "valid_from": "01/07/2025", "valid_to": "",
                     "successor": ""})
        for u in range(1, units + 1):
            rows.append({"code": f"{code}.U{u}", "name": f"Bộ phận một cửa {u} phường Số {n}",
                         "kind": "đơn vị", "parent": code, "valid_from": "01/07/2025",
                         "valid_to": "", "successor": ""})
        # The commune merged into this one in 2025 keeps its code, ended, naming its successor.
        rows.append({"code": f"{code}.X", "name": f"UBND xã Cũ {n}", "kind": "xã",
                     "parent": PROVINCE, "valid_from": "01/01/2010", "valid_to": "30/06/2025",
                     "successor": code})
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
