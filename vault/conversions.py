"""Conversions between paper and electronic form, their look-up codes, and copy numbers.

A conversion (chuyển đổi) is recorded with a random look-up code (mã tra cứu)
that the copy carries as text, URL and QR. The code is random rather than
derived from the document, because the digitisation-result code holds the
owner's personal ID: a public look-up addressed by it would let anyone test
which papers a citizen has. 60 random bits, written in Crockford's base 32 so
that a code typed from paper survives O/0 and I/1 confusions.

Formal paper copies ("SAO Y", NĐ 30/2020 Appendix I Part II §II) carry a
number from the agency's register that restarts at 01 each 1 January
(REGULATIONS 9.E.41); ``next_copy_number`` hands out the next one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .counters import next_value
from .models import Conversion, ConversionDirection, Document

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_LENGTH = 12
#: NĐ 30/2020 Appendix III: the abbreviation of each copy form in a copy's number.
COPY_ABBREVIATIONS = {"SAO Y": "SY", "SAO LỤC": "SL", "TRÍCH SAO": "TS"}


def new_lookup_code() -> str:
    """``7KQ2-M9XD-4TRB``: twelve random Crockford base-32 characters in groups of four."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """The stored form of a code as someone typed it (any case, spaces, O for 0), or None."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_READS_AS)
    if len(raw) != CODE_LENGTH or any(ch not in _ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def copy_symbol(number: int, copy_form: str, agency_abbreviation: str = "") -> str:
    """``05/SY-UBND``: the number and symbol of a formal copy (NĐ 30/2020 Appendix III)."""
    symbol = f"{number:02d}/{COPY_ABBREVIATIONS[copy_form]}"
    return f"{symbol}-{agency_abbreviation}" if agency_abbreviation else symbol


def next_copy_number(session: Session, agency_code: str, year: int) -> int:
    """The agency's next copy number this year, from its register's counter; taken in the
    transaction that makes the copy, so a copy that fails gives its number back."""

    def highest() -> int:
        return session.scalar(select(func.max(Conversion.copy_number)).where(
            Conversion.agency_code == agency_code, Conversion.copy_year == year)) or 0

    return next_value(session, f"copy:{agency_code}:{year}", highest)


@dataclass(frozen=True)
class NewConversion:
    """What the caller knows of a conversion before the vault numbers and records it."""

    code: str
    direction: ConversionDirection
    issued_at: datetime
    converter: str
    agency_code: str
    agency_name: str
    #: A formal copy's form ("SAO Y", …) when it gets a register number; None otherwise.
    copy_form: str | None = None
    agency_abbreviation: str = ""
    #: A copy from the register: the entry it comes from (book and number).
    register_entry: str | None = None


@dataclass(frozen=True)
class ConversionRecord:
    code: str
    document_id: str
    direction: str
    issued_at: datetime
    converter: str
    agency_name: str
    source_sha256: str
    output_sha256: str | None
    copy_form: str | None = None
    copy_number: int | None = None
    copy_symbol: str | None = None
    agency_code: str = ""
    register_entry: str | None = None

    @classmethod
    def of(cls, row: Conversion) -> ConversionRecord:
        return cls(row.code, row.document_id, row.direction, row.issued_at, row.converter,
                   row.agency_name, row.source_sha256, row.output_sha256, row.copy_form,
                   row.copy_number, row.copy_symbol, row.agency_code, row.register_entry)


@dataclass(frozen=True)
class DocumentStanding:
    """What the public may learn of a document: no owner, no personal ID, no result code."""

    document_id: str
    title: str
    kind: str
    number_symbol: str | None
    issuing_body: str | None
    issue_date: date | None
    valid_until: date | None
    validity_scope: str | None
    revoked_at: datetime | None
    revocation_reason: str | None

    @classmethod
    def of(cls, document: Document) -> DocumentStanding:
        return cls(document.id, document.title, document.kind, document.number_symbol,
                   document.issuing_body, document.issue_date, document.valid_until,
                   document.validity_scope, document.revoked_at, document.revocation_reason)

    def status(self, today: date) -> str:
        """``revoked``, ``expired`` or ``valid``: a copy is worth what its document is."""
        if self.revoked_at is not None:
            return "revoked"
        if self.valid_until is not None and self.valid_until < today:
            return "expired"
        return "valid"


@dataclass(frozen=True)
class LookupRecord:
    """A look-up code resolved: the conversion, and the standing of its document."""

    conversion: ConversionRecord
    document: DocumentStanding
