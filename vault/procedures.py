"""The procedure catalogue: what each administrative procedure (thủ tục hành chính) asks for.

A dossier opened for a procedure gets one row per component (thành phần hồ sơ)
the procedure requires; reuse by default (REGULATIONS 9.C.23, 55–56) matches each
against the owner's vault by document type. The reasons a dossier may be returned,
asked for more or parked with are data here too, so a transition without one is
refused by name, not by a free-text field left empty. The bundled file is an
example; an agency replaces it with its extract of the National TTHC Database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kernel import DomainError

from .errors import InvalidRecordValue, NotFound


class ProcedureCatalogueError(DomainError):
    """The catalogue file cannot be used; the message names what is wrong."""

    code = "invalid_procedure_catalogue"
    http_status = 500


@dataclass(frozen=True)
class RequiredComponent:
    """A component a procedure asks for, and the document types that satisfy it."""

    code: str
    name: str
    doc_types: tuple[str, ...]
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "doc_types": list(self.doc_types),
                "required": self.required}


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    components: tuple[RequiredComponent, ...]
    results: tuple[str, ...] = ()
    #: The sector's law requires copies of participating agencies' results (REGULATIONS 52).
    scan_participating_results: bool = False

    def component(self, code: str) -> RequiredComponent:
        for component in self.components:
            if component.code == code:
                return component
        raise NotFound(f"thủ tục {self.code} không có thành phần {code} "
                       f"(procedure {self.code} has no component {code})")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name,
                "components": [c.as_dict() for c in self.components],
                "results": list(self.results),
                "scan_participating_results": self.scan_participating_results}


@dataclass(frozen=True)
class Reason:
    """A reason code for a transition that stops the normal course of a dossier."""

    code: str
    name: str
    applies_to: tuple[str, ...]


class ProcedureCatalogue:
    def __init__(self, procedures: list[Procedure], reasons: list[Reason]) -> None:
        self._procedures = {p.code: p for p in procedures}
        self._reasons = {r.code: r for r in reasons}
        if len(self._procedures) != len(procedures) or len(self._reasons) != len(reasons):
            raise ProcedureCatalogueError("mã thủ tục hoặc mã lý do bị trùng "
                                          "(duplicate procedure or reason code)")
        for procedure in procedures:
            codes = [c.code for c in procedure.components]
            if len(set(codes)) != len(codes):
                raise ProcedureCatalogueError(
                    f"thủ tục {procedure.code} có thành phần trùng mã (duplicate component)")

    @classmethod
    def load(cls, path: Path | None = None) -> ProcedureCatalogue:
        """The bundled example, or the JSON file at ``path``."""
        raw = (Path(path).read_text("utf-8") if path is not None
               else resources.files(__package__).joinpath("data/procedures.json")
               .read_text("utf-8"))
        try:
            data = json.loads(raw)
            procedures = [
                Procedure(str(p["code"]), str(p["name"]), tuple(
                    RequiredComponent(str(c["code"]), str(c["name"]),
                                      tuple(str(t) for t in c["doc_types"]),
                                      bool(c.get("required", True)))
                    for c in p["components"]), tuple(str(t) for t in p.get("results", ())),
                    bool(p.get("scan_participating_results", False)))
                for p in data["procedures"]]
            reasons = [Reason(str(r["code"]), str(r["name"]), tuple(str(s) for s in r["for"]))
                       for r in data["reasons"]]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ProcedureCatalogueError(
                f"tệp danh mục thủ tục không hợp lệ (bad procedure file): {exc}") from None
        return cls(procedures, reasons)

    def procedures(self) -> list[Procedure]:
        return sorted(self._procedures.values(), key=lambda p: p.code)

    def get(self, code: str) -> Procedure:
        procedure = self._procedures.get(code)
        if procedure is None:
            raise InvalidRecordValue(f"không có thủ tục mã {code!r} trong danh mục "
                                     f"(no procedure {code!r} in the catalogue)")
        return procedure

    def find(self, code: str) -> Procedure | None:
        """The catalogued procedure, or None for one named in free text."""
        return self._procedures.get(code)

    def reason(self, code: str, status: str) -> Reason:
        """The reason ``code`` if it may justify moving a dossier to ``status``."""
        reason = self._reasons.get(code)
        if reason is None or status not in reason.applies_to:
            allowed = ", ".join(r.code for r in self._reasons.values() if status in r.applies_to)
            raise InvalidRecordValue(f"mã lý do {code!r} không dùng cho trạng thái {status} "
                                     f"(reason code not allowed here; use one of: {allowed})")
        return reason

    def reasons(self) -> list[Reason]:
        return list(self._reasons.values())
