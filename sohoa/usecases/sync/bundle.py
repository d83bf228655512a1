"""One document as a counter node sends it to the centre, and its wire form.

On the wire a bundle is a multipart request: a ``manifest`` field (JSON: the
document's facts and the SHA-256 of every file) and the files themselves, named
``original`` (one per scan, in page order), ``pdfa``, ``signed`` and ``text``.
The centre files it as the node did (`sohoa.usecases.counter.document_files`), so a
document has the same files, roles and byte ranges in both places.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from ...errors import BundleError
from ..counter import Original


class FileFacts(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=255)]
    media_type: Annotated[str, Field(min_length=1, max_length=100)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Manifest(BaseModel):
    """What the node says of the document; the centre checks every word it can."""

    #: The document's id on the node: with the node's account, the intake key.
    local_id: Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                           r"[0-9a-f]{4}-[0-9a-f]{12}$")]
    owner: Annotated[str, Field(min_length=1, max_length=32)]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    page_count: Annotated[int, Field(ge=1, le=100_000)]
    operator: Annotated[str, Field(min_length=1, max_length=120)]
    scanned_at: datetime
    page_quality: list[dict[str, Any]] = Field(default_factory=list, max_length=100_000)
    #: The scans as the node kept them: none when it keeps only the PDF/A made of them
    #: (``SOHOA_KEEP_SCANNER_FILE`` off).
    originals: Annotated[list[FileFacts], Field(max_length=10_000)]
    pdfa: FileFacts
    signed: FileFacts
    text: FileFacts


@dataclass(frozen=True)
class Bundle:
    """A filed document's facts and files, as sent from a node."""

    local_id: str
    owner: str
    title: str
    page_count: int
    operator: str
    scanned_at: datetime
    originals: list[Original]
    pdfa: bytes
    signed: bytes
    text: str
    page_quality: list[dict[str, Any]] = field(default_factory=list)

    def multipart(self) -> list[tuple[str, tuple[str, bytes, str]]]:
        """The files of the request as ``(field, (name, bytes, media type))``: the scans
        in page order, then the PDF/A, the signed PDF and the text."""
        parts = [("original", (o.name, o.data, o.media_type)) for o in self.originals]
        return parts + [("pdfa", ("pdfa.pdf", self.pdfa, "application/pdf")),
                        ("signed", ("signed.pdf", self.signed, "application/pdf")),
                        ("text", ("text.txt", self.text.encode(), "text/plain; charset=utf-8"))]

    def manifest(self) -> str:
        """The document's facts, and each file of ``multipart`` with its SHA-256."""
        facts: dict[str, Any] = {
            "local_id": self.local_id, "owner": self.owner, "title": self.title,
            "page_count": self.page_count, "operator": self.operator,
            "scanned_at": self.scanned_at.isoformat(), "page_quality": self.page_quality,
            "originals": []}
        for name, (filename, data, media_type) in self.multipart():
            described = {"name": filename, "media_type": media_type,
                         "sha256": hashlib.sha256(data).hexdigest()}
            if name == "original":
                facts["originals"].append(described)
            else:
                facts[name] = described
        return json.dumps(facts, ensure_ascii=False)


def parse_bundle(manifest: str, originals: list[bytes], pdfa: bytes, signed: bytes,
                 text: bytes) -> Bundle:
    """The bundle a request carries, every file checked against its manifest hash."""
    try:
        facts = Manifest.model_validate_json(manifest)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors()[:5])
        raise BundleError(f"bản kê không hợp lệ (invalid manifest): {problems}") from None
    if len(originals) != len(facts.originals):
        raise BundleError(f"bản kê ghi {len(facts.originals)} bản quét, gửi kèm "
                          f"{len(originals)} (the manifest names {len(facts.originals)} "
                          f"scans, {len(originals)} came)")
    named = [(f"original {i}", f, data) for i, (f, data)
             in enumerate(zip(facts.originals, originals, strict=True), start=1)]
    named += [("pdfa", facts.pdfa, pdfa), ("signed", facts.signed, signed),
              ("text", facts.text, text)]
    for label, expected, data in named:
        if hashlib.sha256(data).hexdigest() != expected.sha256:
            raise BundleError(f"tệp {label} không khớp mã băm trong bản kê (file {label} "
                              f"does not match its SHA-256 in the manifest)")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError("văn bản OCR không phải UTF-8 (the text is not UTF-8)") from None
    return Bundle(
        local_id=facts.local_id, owner=facts.owner, title=facts.title,
        page_count=facts.page_count, operator=facts.operator, scanned_at=facts.scanned_at,
        originals=[Original(f.name, f.media_type, data) for f, data
                   in zip(facts.originals, originals, strict=True)],
        pdfa=pdfa, signed=signed, text=decoded, page_quality=facts.page_quality)
