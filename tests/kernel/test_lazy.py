"""Packages that load their modules on first use still offer every name they list
(`kernel.lazy`), and list the same names for the type checker as at run time."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("digitize", "signing", "vault", "storage")


@pytest.mark.parametrize("name", LAZY)
def test_every_listed_name_resolves_and_the_type_checker_sees_the_same(name: str) -> None:
    package = importlib.import_module(name)
    for exported in package.__all__:
        assert getattr(package, exported) is not None, exported
    tree = ast.parse((ROOT / name / "__init__.py").read_text(encoding="utf-8"))
    typed = {alias.asname or alias.name for node in ast.walk(tree)
             if isinstance(node, ast.If) for sub in ast.walk(node)
             if isinstance(sub, ast.ImportFrom) for alias in sub.names}
    eager = {alias.asname or alias.name for node in tree.body
             if isinstance(node, ast.ImportFrom) and node.module != "kernel.lazy"
             and node.module != "typing" for alias in node.names}
    tables = {"agency_profiles", "audit", "certifications", "counters", "data_requests",
              "fingerprints", "grants", "keys", "models", "search_log"}
    assert typed | (eager - tables) == set(package.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    import digitize

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        digitize.nothing_here  # noqa: B018


def test_reading_the_limits_loads_no_ocr_and_a_level_no_pyhanko() -> None:
    probe = ("import json, sys\nfrom digitize.limits import OcrSettings\n"
             "from signing.options import PadesLevel\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    loaded = set(json.loads(done.stdout))
    assert not loaded & {"ocrmypdf", "cv2", "pyhanko", "numpy"}, sorted(loaded)


@pytest.mark.parametrize("name", LAZY)
def test_no_name_is_also_a_module_of_its_package(name: str) -> None:
    # Importing a submodule sets the package's attribute of that name to the module, so
    # a function named like its module (signing.paper_copy once was) would be shadowed.
    package = importlib.import_module(name)
    modules = {p.stem for p in (ROOT / name).glob("*.py")} | {
        p.name for p in (ROOT / name).iterdir() if (p / "__init__.py").exists()}
    assert not set(package.__all__) & modules
