"""What extraction produces: named values, each with a confidence and how it was obtained."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any


class ExtractionMethod(StrEnum):
    """How a value was obtained (REGULATIONS 9.A.9: OCR by default, manual keying recorded)."""

    OCR = "OCR"
    QR = "QR"  # decoded from a printed QR code (the căn cước card)
    MANUAL = "MANUAL"  # keyed or corrected by counter staff


class FieldName(StrEnum):
    DOC_TYPE = "doc_type"
    DOC_NAME = "doc_name"
    NUMBER_SYMBOL = "number_symbol"
    ISSUE_DATE = "issue_date"
    ISSUING_BODY = "issuing_body"
    SUMMARY = "summary"
    SIGNER_NAME = "signer_name"
    SIGNER_POSITION = "signer_position"
    PERSONAL_ID = "personal_id"
    PREVIOUS_ID = "previous_id"
    FULL_NAME = "full_name"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    ADDRESS = "address"
    TAX_CODE = "tax_code"


@dataclass(frozen=True)
class ExtractedField:
    """One value found in a document.

    ``confidence`` is in 0..1: how sure the finder is that the text it matched
    is this field, times the OCR confidence of the page it read. ``page`` is
    1-based; ``None`` for values not read from a page (manual entry).
    """

    name: str
    value: str
    confidence: float
    method: ExtractionMethod = ExtractionMethod.OCR
    page: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["method"] = self.method.value
        data["confidence"] = round(self.confidence, 3)
        return data


@dataclass(frozen=True)
class Extraction:
    """Every field found in one document; a name may repeat (several IDs on one paper)."""

    fields: tuple[ExtractedField, ...] = ()

    def get(self, name: str) -> ExtractedField | None:
        """The most confident value of ``name``, if any was found."""
        found = [f for f in self.fields if f.name == name]
        return max(found, key=lambda f: f.confidence) if found else None

    def value(self, name: str) -> str | None:
        found = self.get(name)
        return found.value if found else None

    def all(self, name: str) -> list[ExtractedField]:
        return [f for f in self.fields if f.name == name]

    def corrected(self, name: str, value: str) -> Extraction:
        """A copy where staff set ``name`` to ``value``: one manual value replaces the found ones."""
        kept = tuple(f for f in self.fields if f.name != name)
        manual = ExtractedField(name, value, 1.0, ExtractionMethod.MANUAL)
        return replace(self, fields=(*kept, manual))

    def as_list(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.fields]

    @classmethod
    def from_list(cls, items: list[dict[str, Any]]) -> Extraction:
        return cls(tuple(
            ExtractedField(str(i["name"]), str(i["value"]), float(i["confidence"]),
                           ExtractionMethod(i.get("method", "OCR")), i.get("page"))
            for i in items
        ))
