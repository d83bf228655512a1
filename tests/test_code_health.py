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


def test_no_product_module_imports_itself_back() -> None:
    # No import cycle among our modules, counting imports made only for type checking:
    # a cycle means two modules cannot be understood, tested or loaded one without the
    # other (the service graph once imported the job kinds that import it). Tarjan's
    # strongly connected components over grimp's graph of every product package.
    import grimp

    packages = ("kernel", "storage", "digitize", "signing", "vault", "archive", "retention",
                "accounts", "sohoa")
    graph = grimp.build_graph(*packages, cache_dir=None)
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
