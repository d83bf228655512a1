"""A small package made in memory: two documents, a scan and PDF/As, no vault involved."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime

import pikepdf

from archive import (
    ORIGINAL,
    PRESERVATION,
    Agent,
    DocumentMetadata,
    DossierPackage,
    Event,
    FileMetadata,
    HistoryEntry,
    PackagedDocument,
    PackageFile,
)
from tests.inputs import image_bytes, text_page, text_pdf

AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def pdf_bytes(text: str, *, pdfa: bool) -> bytes:
    """A one-page PDF 1.7; with ``pdfa`` its XMP claims PDF/A-2b (the claim is all the
    validator reads; veraPDF-grade conformance is the digitiser's job)."""
    raw = text_pdf(text)
    if not pdfa:
        return raw
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(raw)) as doc:
        with doc.open_metadata() as xmp:
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
        doc.save(out)
    return out.getvalue()


def _file(representation: str, name: str, media_type: str, data: bytes, role: str,
          part: int = 1) -> PackageFile:
    return PackageFile(representation, name, media_type, hashlib.sha256(data).hexdigest(),
                       len(data), AT, role, part, lambda: data)


def metadata(title: str = "Hồ sơ trích lục khai sinh của Nguyễn Văn An") -> FileMetadata:
    return FileMetadata(
        OrganId="000.00.31.H50", FileCatalog=2025, FileNotation="250304-0001", Title=title,
        Maintenance="Vĩnh viễn", Rights="Sử dụng có điều kiện", Language="Tiếng Việt",
        StartDate=date(2025, 3, 4), EndDate=date(2025, 3, 10), DocTotal=2, PageTotal=2,
        Creator="UBND phường Bến Nghé",
        documents=(
            DocumentMetadata(DocOrdinal=1, TypeName="Căn cước công dân",
                             Subject="Căn cước công dân của người yêu cầu", PageAmount=1),
            DocumentMetadata(DocOrdinal=2, TypeName="Giấy khai sinh",
                             Subject="Trích lục khai sinh", PageAmount=1,
                             OrganName="UBND phường Bến Nghé", Position="Chủ tịch",
                             FullName="Trần Thị Bình", IssuedDate=date(2025, 3, 10)),
        ))


def package(meta: FileMetadata | None = None) -> DossierPackage:
    scan = image_bytes(text_page(150), "PNG", 150)
    docs = (
        PackagedDocument("doc-1", "Căn cước công dân", (
            _file(ORIGINAL, "f.001.original.png", "image/png", scan, "original"),
            _file(PRESERVATION, "f.001.pdfa.pdf", "application/pdf",
                  pdf_bytes("CCCD", pdfa=True), "pdfa"),
        )),
        PackagedDocument("doc-2", "Giấy khai sinh", (
            _file(PRESERVATION, "f.002.signed.pdf", "application/pdf",
                  pdf_bytes("Trich luc", pdfa=False), "signed"),
        )),
    )
    return DossierPackage(
        dossier_code="000.00.31.H50-250304-0001",
        metadata=meta or metadata(),
        documents=docs,
        history=(
            HistoryEntry(AT, "STATUS", "canbo", "RECEIVED", "PROCESSING"),
            HistoryEntry(AT, "OPINION", "lanhdao", text="Đồng ý cấp trích lục",
                         official="Trần Thị Bình", position="Chủ tịch"),
        ),
        agents=(Agent("canbo", "Phạm Minh Đức", "person"),
                Agent("sohoa", "sohoa 0.1", "software")),
        events=(Event("ev-1", "capture", AT, "scan at the counter", ("canbo",),
                      ("representations/original/data/f.001.original.png",)),
                Event("ev-2", "digital signature generation", AT, "signed", ("sohoa",),
                      ("representations/preservation/data/f.002.signed.pdf",))),
        record={"format": "test", "dossier": {"code": "000.00.31.H50-250304-0001"}},
        organisation="UBND phường Bến Nghé",
        created=AT,
    )
