"""Every package stays mypy-strict clean, the tree lint-clean, and the layers of
DESIGN.md hold (import contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Our packages, the composition layer last.
PRODUCT = ("kernel", "storage", "digitize", "signing", "vault", "archive", "retention",
           "accounts", "sohoa")


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
    assert "3 kept, 0 broken" in result.stdout


def test_no_product_module_imports_itself_back() -> None:
    # No import cycle among our modules, counting imports made only for type checking:
    # a cycle means two modules cannot be understood, tested or loaded one without the
    # other (the service graph once imported the job kinds that import it). Tarjan's
    # strongly connected components over grimp's graph of every product package.
    import grimp

    graph = grimp.build_graph(*PRODUCT, cache_dir=None)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            if component:
                cycles.append(sorted([module, *component]))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    assert not cycles, cycles


def _product_modules() -> list[Path]:
    return sorted(p for package in PRODUCT for p in (ROOT / package).rglob("*.py")
                  if "migrations/versions" not in p.as_posix())


def test_no_product_module_is_over_400_lines() -> None:
    # Small modules with one job (issue 27): a module past 400 lines is doing two.
    long = {p.relative_to(ROOT).as_posix(): n for p in _product_modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long


def test_the_composition_layer_queries_no_other_rooms_tables() -> None:
    # sohoa/ keeps adapters, infrastructure and use cases; the rows of vault, accounts,
    # archive and retention are asked through their functions (issue 27). A table class
    # of another package imported at run time is where a query on it would start;
    # imports for type annotations only are fine.
    import ast
    import importlib

    found = []
    for path in (ROOT / "sohoa").rglob("*.py"):
        if "migrations/versions" in path.as_posix():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or id(node) in typing_only or node.level:
                continue
            if not node.module or node.module.split(".")[0] not in PRODUCT[:-1]:
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                imported = getattr(module, alias.name, None)
                if isinstance(imported, type) and hasattr(imported, "__table__"):
                    found.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert not found, found
