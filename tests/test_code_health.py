"""Every package stays mypy-strict clean, the tree lint-clean, and the layers of
DESIGN.md hold (import contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_every_package_type_checks_strictly() -> None:
    # The packages and the strict flag come from [tool.mypy] in pyproject.toml.
    result = subprocess.run([str(BIN / "mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_layers_hold() -> None:
    # The kernel imports nothing of ours, storage only the kernel, the domains neither
    # one another nor the composition layer: import-linter follows indirect imports too.
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 kept, 0 broken" in result.stdout
