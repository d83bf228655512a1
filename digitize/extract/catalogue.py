"""The catalogue of document types (danh mục loại giấy tờ) that extraction recognises.

Which types exist, and the codes they carry into the digitisation-result code,
are data, not code: the National TTHC Database publishes its own result-type
list and provinces add papers of their own. The bundled list holds the
administrative document types of NĐ 30/2020 Appendix III with their symbol
abbreviations, and the citizen papers counters see most; a deployment points
``SOHOA_DOC_TYPES_FILE`` at its own file of the same shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kernel import DomainError

from ..vntext import clean, fold


class CatalogueError(DomainError):
    """The document-type file cannot be used; the message names the entry."""

    code = "invalid_catalogue"
    http_status = 500


@dataclass(frozen=True)
class DocType:
    """One type of paper: ``QD`` — Quyết định, printed title ``QUYẾT ĐỊNH``, symbol ``QĐ``."""

    code: str
    name: str
    titles: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()


class DocTypeCatalogue:
    """Look a type up by code, by its printed title, or by the abbreviation in a symbol."""

    def __init__(self, types: list[DocType]) -> None:
        self.types = tuple(types)
        self._by_code = {t.code: t for t in types}
        if len(self._by_code) != len(types):
            raise CatalogueError("mã loại giấy tờ bị trùng (duplicate document-type code)")
        # Longest title first, so "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT" wins over "GIẤY …".
        self._titles = sorted(
            ((fold(clean(title)), t) for t in types for title in t.titles),
            key=lambda pair: -len(pair[0]),
        )
        self._symbols = {fold(clean(s)): t for t in types for s in t.symbols}

    @classmethod
    def load(cls, path: Path | None = None) -> DocTypeCatalogue:
        """The bundled catalogue, or the JSON file at ``path``."""
        if path is None:
            raw = resources.files(__package__).joinpath("doc_types.json").read_text("utf-8")
        else:
            raw = Path(path).read_text("utf-8")
        try:
            entries = json.loads(raw)["types"]
            types = [
                DocType(str(e["code"]), str(e["name"]), tuple(e.get("titles", ())),
                        tuple(e.get("symbols", ())))
                for e in entries
            ]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise CatalogueError(
                f"tệp danh mục loại giấy tờ không hợp lệ (bad document-type file): {exc}"
            ) from None
        return cls(types)

    def get(self, code: str) -> DocType | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def by_title(self, line: str) -> DocType | None:
        """The type whose printed title the line is (the line may continue after it)."""
        folded = fold(clean(line)).strip()
        for title, doc_type in self._titles:
            if folded == title or folded.startswith(title + " "):
                return doc_type
        return None

    def by_symbol(self, symbol: str) -> DocType | None:
        """The type named in a symbol such as ``95/2024/QĐ-UBND`` (the part before the dash)."""
        kinds = symbol.rsplit("/", 1)[-1].split("-")
        if len(kinds) < 2:
            return None  # "123/UBND-VP": a letter (công văn) names its sender, not a type
        return self._symbols.get(fold(clean(kinds[0])))
