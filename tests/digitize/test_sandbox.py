"""The parsing sandbox: limits that hold, and nothing left behind (issue 25, item 3)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from digitize.limits import SandboxLimits
from digitize.sandbox import ParseLimitExceeded, run_isolated

LIMITS = SandboxLimits(memory_mb=1024, cpu_seconds=5, wall_seconds=3.0)


def write_then_hang(note: str) -> None:
    """In the child: leave a file in the temporary folder, say where, then never end."""
    with tempfile.NamedTemporaryFile(delete=False, suffix=".pdf") as upload:
        upload.write(b"%PDF-1.7 a copy of the upload")
    Path(note).write_text(upload.name)
    time.sleep(60)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_child_killed_at_its_time_limit_leaves_no_temporary_file(tmp_path: Path) -> None:
    note = tmp_path / "where"
    started = time.monotonic()
    with pytest.raises(ParseLimitExceeded, match="thời gian"):
        run_isolated(write_then_hang, str(note), limits=LIMITS)
    assert time.monotonic() - started < LIMITS.wall_seconds + 5
    left = Path(note.read_text())
    # The child wrote in a private folder of its own, which the parent removed.
    assert left.parent.name.startswith("sohoa-parse-")
    assert not left.parent.exists()


def test_the_address_space_limit_refuses_what_a_scan_never_needs() -> None:
    assert run_isolated(allocate, 100, limits=LIMITS) == 100 * 1024 * 1024
    with pytest.raises(ParseLimitExceeded, match="1024 MB"):
        run_isolated(allocate, 1024, limits=LIMITS)
