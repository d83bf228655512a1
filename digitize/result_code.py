"""The digitisation-result code (mã kết quả số hóa, REGULATIONS 9.A.11 and item 50).

The official formula of TT 01/2023 Art. 10 was not read, so the formula is a
template in the settings. The default follows the deployed system read for
item 50: ``{owner_id}.{doc_type_code}.{distinguisher}.{NN}``, where the
distinguisher is the number and symbol of a result, or the procedure and
component codes of a dossier component, and ``NN`` counts codes with the same
prefix. A template must keep the owner ID and the document-type code (9.A.11)
and the counter (codes are unique).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from kernel import DomainError

from .vntext import clean, fold

DEFAULT_TEMPLATE = "{owner_id}.{doc_type_code}.{distinguisher}.{NN}"
PLACEHOLDERS = frozenset({
    "owner_id", "doc_type_code", "distinguisher", "number_symbol", "procedure_code",
    "component_code", "dossier_code", "year", "NN",
})
REQUIRED = ("owner_id", "doc_type_code", "NN")
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


class BadTemplate(DomainError):
    """The configured template cannot make lawful, unique codes."""

    code = "invalid_result_code_template"
    http_status = 500


@dataclass(frozen=True)
class CodeTemplate:
    """A checked template; ``prefix`` renders all but the counter, ``code`` adds it."""

    text: str = DEFAULT_TEMPLATE

    def __post_init__(self) -> None:
        names = [name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None]
        unknown = sorted(set(names) - PLACEHOLDERS)
        if unknown:
            raise BadTemplate(f"mẫu mã có trường lạ (unknown placeholders): {', '.join(unknown)}")
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            raise BadTemplate(f"mẫu mã thiếu trường bắt buộc (template lacks): {', '.join(missing)}")
        if not self.text.rstrip().endswith("{NN}"):
            raise BadTemplate("mẫu mã phải kết thúc bằng {NN} (the counter must come last)")

    def prefix(self, *, owner_id: str, doc_type_code: str, kind: str,
               number_symbol: str | None = None, procedure_code: str | None = None,
               component_code: str | None = None, dossier_code: str | None = None,
               year: int | None = None) -> str:
        """Everything before the counter; the vault counts existing codes with this prefix."""
        if kind == "COMPONENT" and procedure_code:
            distinguisher = ".".join(segment(v) for v in (procedure_code, component_code) if v)
        else:
            distinguisher = segment(number_symbol or "")
        values = {
            "owner_id": segment(owner_id), "doc_type_code": segment(doc_type_code),
            "distinguisher": distinguisher, "number_symbol": segment(number_symbol or ""),
            "procedure_code": segment(procedure_code or ""),
            "component_code": segment(component_code or ""),
            "dossier_code": segment(dossier_code or ""), "year": str(year or ""),
        }
        head = self.text[: self.text.rindex("{NN}")]
        rendered = head.format(**values)
        return re.sub(r"\.{2,}", ".", rendered)  # an empty segment leaves no double dot

    @staticmethod
    def code(prefix: str, sequence: int) -> str:
        return f"{prefix}{sequence:02d}"


def segment(value: str) -> str:
    """A value made safe inside a code: ASCII, ``/`` and spaces become ``-``."""
    return _UNSAFE.sub("-", fold(clean(value)).upper()).strip("-")
