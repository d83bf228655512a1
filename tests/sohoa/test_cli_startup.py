"""The command line starts light (issue 27): ``sohoa --help`` loads no service, and a
command that reads a vault loads only the vault.

Timings are in `bench/cli_startup.py`; this checks the cause: what importing the
command tree pulls in. A top-level import of the service graph in any command module
would bring SQLAlchemy, pyHanko and OCRmyPDF back into every start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from alembic.config import Config

from kernel import ExitCode
from sohoa.cli.documents import Variant
from sohoa.cli.sign import SignAs as CliSignAs
from sohoa.db import head_revision
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


def test_reading_a_vault_builds_only_the_vault_and_does_not_migrate(tmp_path: Path) -> None:
    # Read-only commands open the vault alone (`sohoa.vault_setup`): no PKI, no OCR, no
    # web framework, no Alembic; an old schema is refused, never changed, until
    # `sohoa migrate` (or the service) brings it up to date.
    sohoa = str(Path(sys.executable).parent / "sohoa")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOHOA_DATA_DIR": str(tmp_path / "d")}
    refused = subprocess.run([sohoa, "vault", "ls", "001099012345", "--json"], env=env,
                             capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode == ExitCode.UNAVAILABLE, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["error"]["code"] == "schema_not_current"
    assert not (tmp_path / "d" / "secrets").exists()  # nothing was set up by a read
    for _ in range(2):  # safe to run twice
        migrated = subprocess.run([sohoa, "migrate", "--json"], env=env, capture_output=True,
                                  text=True, cwd=tmp_path)
        assert migrated.returncode == 0, migrated.stderr
        assert json.loads(migrated.stdout) == {"schema": head_revision()}
    probe = ("import json, sys\nfrom sohoa.cli import main\nsys.argv = ['sohoa', 'vault', 'ls', "
             "'001099012345', '--json']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    listed = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                            text=True, cwd=tmp_path)
    assert json.loads(listed.stdout) == {"documents": []}
    loaded = set(json.loads(listed.stderr.splitlines()[-1]))
    assert "sqlalchemy" in loaded and not loaded & {"pyhanko", "ocrmypdf", "fastapi", "cv2",
                                                    "alembic", "celery"}


def test_the_schema_check_knows_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    from sohoa.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
