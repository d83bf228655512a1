#!/usr/bin/env python3
"""Benchmark: how long the command line takes to answer, next to ``ocrmypdf --version``.

A person at a counter types ``sohoa …`` many times a day, and scripts call it in loops:
its start-up is felt. Each command is run ``--runs`` times, alternating with the
baseline in the same loop so that both meet the same machine; the figure is the median
wall time.

- ``sohoa --help``: only the command tree (no service, no database);
- ``sohoa vault ls OWNER``: a read from a fresh embedded service (SQLite, local blob
  folder) made once before timing (``sohoa migrate``), as an officer would list a
  citizen's vault; it opens the vault alone and checks the schema without migrating.

    .venv/bin/python bench/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
OWNER = "001099012345"


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run; it must succeed."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr[-2000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-cli-bench-") as folder:
        env = {**os.environ, "SOHOA_DATA_DIR": f"{folder}/data",
               "SOHOA_DATABASE_URL": f"sqlite:///{folder}/sohoa.db",
               "SOHOA_FSCK_ON_START": "false"}
        # The service exists before timing: its first start migrates and makes keys.
        timed([str(BIN / "sohoa"), "migrate"], env)
        commands = {
            "help": [str(BIN / "sohoa"), "--help"],
            "vault_ls": [str(BIN / "sohoa"), "vault", "ls", OWNER],
            "baseline": [str(BIN / "ocrmypdf"), "--version"],
        }
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                seconds[name].append(timed(argv, env))
    median = {name: round(statistics.median(values), 3) for name, values in seconds.items()}
    print(json.dumps({
        "benchmark": "cli_startup",
        "machine": {"cores": os.cpu_count()},
        "runs": args.runs,
        "median_seconds": median,
        "baseline": "ocrmypdf --version",
        "ratio_vs_baseline": {name: round(median[name] / median["baseline"], 2)
                              for name in ("help", "vault_ls")},
        "goal": {"help": 0.5, "vault_ls": 1.4},
    }, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
