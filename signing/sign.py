"""PAdES signatures with pyHanko, always as an incremental update.

Signing appends a revision; the bytes before it stay as they were, so earlier
signatures stay valid and the unsigned PDF/A can always be recovered.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from .keys import KeySource
from .stamp import operator_stamp_lines, operator_stamp_style, top_left_box


@dataclass(frozen=True)
class SignatureRequest:
    """Who signs, with which key, and what the visible stamp says."""

    key: KeySource
    stamp_text: str
    font_path: Path
    field_name: str
    reason: str
    location: str = "Việt Nam"


def operator_request(
    key: KeySource, font_path: Path, operator: str, scanned_at: datetime
) -> SignatureRequest:
    """The scanning officer's personal signature (REGULATIONS 9.A.7)."""
    return SignatureRequest(
        key=key, font_path=font_path,
        stamp_text=operator_stamp_lines(operator, scanned_at),
        field_name="SohoaOperator", reason="Số hóa bản giấy (digitised from paper)",
    )


def sign_top_left(pdf: bytes, request: SignatureRequest) -> bytes:
    """Sign ``pdf`` (PAdES B-B) with a visible stamp at the top-left of page 1."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_box = _page_box(pdf)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(request.field_name, on_page=0, box=top_left_box(page_box).as_tuple()),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=request.field_name, subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256", reason=request.reason, location=request.location,
    )
    out = io.BytesIO()
    with request.key.open() as signer:
        pdf_signer = signers.PdfSigner(
            meta, signer=signer,
            stamp_style=operator_stamp_style(request.font_path, request.stamp_text),
        )
        pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def _page_box(pdf: bytes) -> tuple[float, float, float, float]:
    """Page 1's visible area (crop box, else media box), normalised to (x1, y1, x2, y2)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        x1, y1, x2, y2 = (float(v) for v in document.pages[0].cropbox)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
