"""Field extraction (bóc tách dữ liệu, REGULATIONS 9.A.9–10): from recognised text to fields.

Each finder is a small function over lines of text; this module runs them on
the right pages and turns their certainty into a confidence by multiplying
with the OCR confidence of the page read, so a value read from a poor page is
shown to staff for checking.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..idcard import CitizenCard, card_from_text
from ..vntext import clean
from . import header
from .catalogue import DocTypeCatalogue
from .fields import ExtractedField, Extraction, ExtractionMethod, FieldName
from .identifiers import IdCheck, personal_ids, tax_codes
from .signer import signer


def split_pages(text: str) -> list[str]:
    """The pipeline's text file separates pages with form feeds."""
    return text.split("\f")


def extract_fields(
    pages: Sequence[str],
    catalogue: DocTypeCatalogue,
    *,
    page_confidence: Sequence[float | None] | None = None,
    id_check: IdCheck | None = None,
    tax_check: IdCheck | None = None,
    cards: Sequence[tuple[int, CitizenCard]] = (),
) -> Extraction:
    """Every field found in a document whose pages read ``pages`` (in order).

    ``cards`` are căn cước cards already decoded from their QR, as (page number,
    card): their values are exact and win over anything read by OCR.
    """
    page_lines = [[line for line in clean(page).splitlines() if line.strip()] for page in pages]
    if not page_lines:
        return Extraction()

    def ocr(page: int) -> float:
        if not page_confidence or page >= len(page_confidence):
            return 1.0
        value = page_confidence[page]
        return 1.0 if value is None else max(0.0, min(1.0, value))

    fields: list[ExtractedField] = []

    def add(name: FieldName, found: header.Found | None, page: int) -> None:
        if found is not None and found.value:
            fields.append(ExtractedField(name.value, found.value,
                                         round(found.certainty * ocr(page), 3), page=page + 1))

    first = page_lines[0]
    zone = header.header_zone(first)
    symbol = None
    if with_header := header.has_header(zone):
        symbol = header.number_symbol(zone, catalogue)
        add(FieldName.NUMBER_SYMBOL, symbol, 0)
        add(FieldName.ISSUING_BODY, header.issuing_body(zone, first), 0)
        # A header with the day left blank (an unsigned draft) has no issue date.
        add(FieldName.ISSUE_DATE, header.issue_date(zone, in_header=True), 0)
        add(FieldName.SUMMARY, header.summary(zone, catalogue), 0)
    kind = header.doc_type(zone, symbol.value if symbol else None, catalogue)
    add(FieldName.DOC_TYPE, kind, 0)
    if kind is not None and (doc_type := catalogue.get(kind.value)) is not None:
        numbered = symbol is not None and symbol.value[:1].isdigit()
        name = f"{doc_type.name} số {symbol.value}" if numbered and symbol else doc_type.name
        add(FieldName.DOC_NAME, header.Found(name, kind.certainty), 0)

    if not with_header:  # papers without the header date the signature at the foot
        for page in reversed(range(len(page_lines))):
            dated = header.issue_date(page_lines[page][::-1], in_header=False)
            if dated is not None:
                add(FieldName.ISSUE_DATE, dated, page)
                break

    for page in reversed(range(len(page_lines))):
        if (block := signer(page_lines[page])) is not None:
            add(FieldName.SIGNER_POSITION, block[0], page)
            add(FieldName.SIGNER_NAME, block[1], page)
            break

    if not cards and kind is not None and kind.value in CARD_TYPES:
        for page, text in enumerate(pages):
            if (card := card_from_text(text)) is not None:
                fields.extend(card_fields(card, page + 1, ExtractionMethod.OCR, 0.8 * ocr(page)))
                break
    for page_number, card in cards[:1]:
        card_names = {f.name for f in card_fields(card, page_number, ExtractionMethod.QR, 1.0)}
        card_names |= {FieldName.DOC_TYPE.value, FieldName.DOC_NAME.value}
        fields[:] = [f for f in fields if f.name not in card_names]  # `add` keeps this list
        fields.extend(card_fields(card, page_number, ExtractionMethod.QR, 1.0))
        card_type = catalogue.get("CCCD")
        fields.append(ExtractedField(FieldName.DOC_TYPE.value, "CCCD", 1.0,
                                     ExtractionMethod.QR, page_number))
        fields.append(ExtractedField(FieldName.DOC_NAME.value,
                                     card_type.name if card_type else "Căn cước công dân", 1.0,
                                     ExtractionMethod.QR, page_number))

    seen: set[tuple[str, str]] = {(f.name, f.value) for f in fields}
    card_pages = {number - 1 for number, _ in cards}
    for page, lines in enumerate(page_lines):
        if page in card_pages:
            continue  # the QR gave the card's numbers exactly; OCR of them is only noise
        for name, finds in ((FieldName.PERSONAL_ID, personal_ids(lines, id_check)),
                            (FieldName.TAX_CODE, tax_codes(lines, tax_check))):
            for _, found in finds:
                if (name.value, found.value) not in seen:
                    seen.add((name.value, found.value))
                    add(name, found, page)
    return Extraction(tuple(fields))


#: Catalogue codes of identity cards, whose front is read as a card when no QR was found.
CARD_TYPES = frozenset({"CCCD", "CC", "CMND"})


def card_fields(card: CitizenCard, page: int, method: ExtractionMethod,
                confidence: float) -> list[ExtractedField]:
    """The card's values as fields; its number is also the paper's number (số)."""
    values = [
        (FieldName.PERSONAL_ID, card.personal_id), (FieldName.NUMBER_SYMBOL, card.personal_id),
        (FieldName.PREVIOUS_ID, card.previous_id), (FieldName.FULL_NAME, card.full_name),
        (FieldName.BIRTH_DATE, card.birth_date.isoformat() if card.birth_date else None),
        (FieldName.SEX, card.sex), (FieldName.ADDRESS, card.address),
        (FieldName.ISSUE_DATE, card.issue_date.isoformat() if card.issue_date else None),
    ]
    return [ExtractedField(name.value, value, confidence, method, page)
            for name, value in values if value]
