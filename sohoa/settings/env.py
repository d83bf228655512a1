"""From the flat ``SOHOA_*`` variables to the nested settings, and back to their names.

Operators keep one name per setting, as the README lists them (``SOHOA_OCR_JOBS``,
``SOHOA_MAX_FILE_BYTES``); code reads them by area (``settings.ocr.jobs``,
``settings.intake.max_file_bytes``). `routes` is the table between the two, derived
from the areas' declarations; `FlatSource` reads the environment or the ``.env`` file
through it; `nest` does the same for keyword arguments (``Settings(ocr_jobs=1)``), so
tests and tools name a setting as operators do; `variable_of` names the variable a
validation error is about.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from .base import Area

log = logging.getLogger(__name__)
PREFIX = "SOHOA_"


@dataclasses.dataclass(frozen=True)
class AreaSpec:
    """How one area's variables are named: its attribute on the settings, its type, the
    prefix its variables share, and the variables that do not follow it."""

    attribute: str
    kind: type
    prefix: str = ""
    names: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def fields(self) -> Iterable[str]:
        if issubclass(self.kind, Area):
            return self.kind.model_fields
        return [f.name for f in dataclasses.fields(self.kind)]  # type: ignore[arg-type]

    def variable(self, field: str) -> str:
        """The flat name of ``field`` (without ``SOHOA_``, lower case)."""
        return self.names.get(field, f"{self.prefix}{field}")


def spec_of(attribute: str, kind: type, prefix: str | None = None,
            names: Mapping[str, str] | None = None) -> AreaSpec:
    """The spec of an area: an `Area` declares its own prefix and names."""
    if issubclass(kind, Area):
        return AreaSpec(attribute, kind, kind.ENV_PREFIX,
                        {**{name: name for name in kind.ENV_PLAIN}, **kind.ENV_NAMES})
    return AreaSpec(attribute, kind, prefix or "", names or {})


def routes(specs: tuple[AreaSpec, ...], top: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Flat name → path in the settings (``("ocr", "jobs")``, or ``("data_dir",)``)."""
    table: dict[str, tuple[str, ...]] = {name: (name,) for name in top}
    for spec in specs:
        for field in spec.fields():
            flat = spec.variable(field)
            if flat in table:
                raise RuntimeError(f"SOHOA_{flat.upper()} names two settings")
            table[flat] = (spec.attribute, field)
    return table


def nest(values: Mapping[str, Any], table: Mapping[str, tuple[str, ...]],
         into: dict[str, Any] | None = None) -> dict[str, Any]:
    """Flat ``values`` placed at their paths (later ones win); names not in ``table`` are
    left as they are, so nested input passes through."""
    nested: dict[str, Any] = into if into is not None else {}
    for name, value in values.items():
        path = table.get(name)
        if path is None:
            nested.setdefault(name, value)
            continue
        if len(path) == 1:
            nested[path[0]] = value
        else:
            area = nested.setdefault(path[0], {})
            if isinstance(area, dict):
                area[path[1]] = value
    return nested


def variable_of(location: tuple[int | str, ...], specs: tuple[AreaSpec, ...]) -> str:
    """The environment variable a validation error at ``location`` is about."""
    if not location:
        return "SOHOA_*"
    head = str(location[0])
    spec = next((s for s in specs if s.attribute == head), None)
    if spec is None:
        return f"{PREFIX}{head.upper()}"
    if len(location) < 2:
        return f"{PREFIX}{spec.prefix.upper()}*"
    return f"{PREFIX}{spec.variable(str(location[1])).upper()}"


class FlatSource(PydanticBaseSettingsSource):
    """``SOHOA_*`` variables from the environment, or from a ``.env`` file, nested by
    `routes`. A ``SOHOA_`` variable that names no setting is reported (a misspelt
    limit would otherwise be silently the default)."""

    def __init__(self, settings_cls: type[BaseSettings], table: Mapping[str, tuple[str, ...]],
                 env_file: Path | None = None) -> None:
        super().__init__(settings_cls)
        self._table = table
        self._env_file = env_file

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # values come whole from __call__

    def __call__(self) -> dict[str, Any]:
        raw: Mapping[str, str | None]
        if self._env_file is None:
            raw = os.environ
        elif self._env_file.is_file():
            raw = dotenv_values(self._env_file)
        else:
            return {}
        flat: dict[str, Any] = {}
        for key, value in raw.items():
            if not key.upper().startswith(PREFIX) or value is None:
                continue
            name = key[len(PREFIX):].lower()
            if name in self._table:
                flat[name] = value
            elif not _known_elsewhere(name):
                log.warning("%s names no setting of sohoa: ignored", key)
        return nest(flat, self._table)


def _known_elsewhere(name: str) -> bool:
    """Variables read outside the settings (by tools and tests), not misspellings."""
    return name.startswith(("test_", "new_password", "bench_", "screenshots"))
