"""The command line starts light (issue 27): ``sohoa --help`` loads no service.

Timings are in `bench/cli_startup.py`; this checks the cause: what importing the
command tree pulls in. A top-level import of the service graph in any command module
would bring SQLAlchemy, pyHanko and OCRmyPDF back into every start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sohoa.cli.documents import Variant
from sohoa.cli.sign import SignAs as CliSignAs
from sohoa.usecases.signatures import SignAs
from vault import FileRole

HEAVY = ("sqlalchemy", "pyhanko", "ocrmypdf", "fastapi", "pydantic_settings", "cv2", "alembic")


def test_the_command_tree_imports_no_service() -> None:
    probe = ("import json, sys; import sohoa.cli.main; "
             "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                           text=True, check=True).stdout))
    assert "typer" in loaded  # the probe did import the command tree
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_lists_every_command_without_the_services() -> None:
    sohoa = Path(sys.executable).parent / "sohoa"
    shown = subprocess.run([str(sohoa), "--help"], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    for command in ("digitize", "sign", "verify", "lookup", "vault", "dossier", "archive"):
        assert command in shown.stdout, shown.stdout + shown.stderr


def test_the_choices_offered_are_the_domains_own() -> None:
    # The command line repeats two enums so that --help need not import their packages.
    assert {v.value for v in Variant} == {r.value for r in FileRole}
    assert {v.value for v in CliSignAs} == {r.value for r in SignAs}
