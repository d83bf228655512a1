"""Package namespaces that load their modules when a name is first used.

A package's ``__init__`` names what it offers; importing every module behind those
names at once makes ``import digitize.limits`` pay for OCRmyPDF and OpenCV, and
``sohoa vault ls`` pay for pyHanko. With `exports`, ``from digitize import digitise``
still works and still type-checks (the package lists the same names for mypy under
``TYPE_CHECKING``), but the module behind a name is imported only when the name is.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def exports(package: str, modules: Mapping[str, Iterable[str]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``modules[m]`` comes from
    its submodule ``m`` when first asked for, and is then kept on the package."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
