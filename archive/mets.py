"""``METS.xml``, the package's table of contents, after the E-ARK CSIP layout.

One file group per representation (the scans as received, the PDF/As kept for
reading), the App. VI metadata as the descriptive section, PREMIS and the processing
history as digital-provenance sections, and one structural map whose divisions are
the documents in chronological order (NĐ 30/2020 App. VI: a file is exported "theo
trình tự thời gian"). Every file entry carries its size and SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from .content import REPRESENTATIONS, DossierPackage

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
_M = f"{{{METS}}}"
_X = f"{{{XLINK}}}"

APPENDIX6 = "metadata/descriptive/appendix6.xml"
PREMIS = "metadata/preservation/premis.xml"
HISTORY = "metadata/other/history.xml"
RECORD = "metadata/other/sohoa-record.json"


def _at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def file_id(path: str) -> str:
    """An XML ID for a package path (IDs may not hold slashes)."""
    return "f-" + "".join(c if c.isalnum() or c in "-." else "_" for c in path)


def build(package: DossierPackage, metadata_files: dict[str, tuple[int, str]]) -> bytes:
    """The METS document; ``metadata_files`` gives each metadata path's size and SHA-256."""
    mets = etree.Element(_M + "mets", nsmap={"mets": METS, "xlink": XLINK}, attrib={
        "OBJID": package.dossier_code, "TYPE": "Hồ sơ thủ tục hành chính",
        "LABEL": package.metadata.Title, "PROFILE": CSIP_PROFILE})
    header = etree.SubElement(mets, _M + "metsHdr", CREATEDATE=_at(package.created),
                              RECORDSTATUS="NEW")
    creator = etree.SubElement(header, _M + "agent", ROLE="CREATOR", TYPE="ORGANIZATION")
    etree.SubElement(creator, _M + "name").text = package.organisation
    software = etree.SubElement(header, _M + "agent", ROLE="CREATOR", TYPE="OTHER",
                                OTHERTYPE="SOFTWARE")
    etree.SubElement(software, _M + "name").text = "sohoa"
    etree.SubElement(header, _M + "altRecordID", TYPE="FileCode").text = \
        package.metadata.file_code

    dmd = etree.SubElement(mets, _M + "dmdSec", ID="dmd-appendix6",
                           CREATED=_at(package.created))
    _md_ref(dmd, APPENDIX6, metadata_files, MDTYPE="OTHER",
            OTHERMDTYPE="NĐ 30/2020/NĐ-CP Phụ lục VI")
    amd = etree.SubElement(mets, _M + "amdSec", ID="amd")
    premis = etree.SubElement(amd, _M + "digiprovMD", ID="digiprov-premis")
    _md_ref(premis, PREMIS, metadata_files, MDTYPE="PREMIS")
    history = etree.SubElement(amd, _M + "digiprovMD", ID="digiprov-history")
    _md_ref(history, HISTORY, metadata_files, MDTYPE="OTHER",
            OTHERMDTYPE="Quá trình xử lý và ý kiến")
    record = etree.SubElement(amd, _M + "digiprovMD", ID="digiprov-record")
    _md_ref(record, RECORD, metadata_files, MDTYPE="OTHER", OTHERMDTYPE="sohoa record",
            mime="application/json")

    file_sec = etree.SubElement(mets, _M + "fileSec", ID="filesec")
    for representation in REPRESENTATIONS:
        group = etree.SubElement(file_sec, _M + "fileGrp", ID=f"grp-{representation}",
                                 USE=f"Representations/{representation}")
        for doc in package.documents:
            for f in doc.files:
                if f.representation != representation:
                    continue
                entry = etree.SubElement(group, _M + "file", ID=file_id(f.path),
                                         MIMETYPE=f.media_type, SIZE=str(f.size),
                                         CREATED=_at(f.created), CHECKSUM=f.sha256,
                                         CHECKSUMTYPE="SHA-256", USE=f.role)
                etree.SubElement(entry, _M + "FLocat", LOCTYPE="URL", attrib={
                    _X + "type": "simple", _X + "href": f.path})

    struct = etree.SubElement(mets, _M + "structMap", ID="struct", TYPE="PHYSICAL",
                              LABEL="CSIP")
    top = etree.SubElement(struct, _M + "div", ID="div-dossier",
                           LABEL=package.dossier_code, DMDID="dmd-appendix6",
                           ADMID="digiprov-premis digiprov-history digiprov-record")
    for order, doc in enumerate(package.documents, start=1):
        div = etree.SubElement(top, _M + "div", ID=f"div-{doc.key}", ORDER=str(order),
                               TYPE="Văn bản", LABEL=doc.title)
        for f in doc.files:
            etree.SubElement(div, _M + "fptr", FILEID=file_id(f.path))
    return bytes(etree.tostring(mets, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _md_ref(parent: Any, path: str, metadata_files: dict[str, tuple[int, str]], *,
            mime: str = "text/xml", **kinds: str) -> None:
    size, sha256 = metadata_files[path]
    etree.SubElement(parent, _M + "mdRef", LOCTYPE="URL", MIMETYPE=mime, SIZE=str(size),
                     CHECKSUM=sha256, CHECKSUMTYPE="SHA-256", attrib={
                         _X + "type": "simple", _X + "href": path, **kinds})


@dataclass(frozen=True)
class Listed:
    """A file as METS lists it; ``use`` is its role for content files, "" for metadata."""

    size: int
    sha256: str
    use: str = ""


def listed_files(root: Any) -> dict[str, Listed]:
    """Every path a parsed METS document lists (content files and metadata)."""
    out: dict[str, Listed] = {}
    for entry in root.iter(_M + "file"):
        locat = entry.find(_M + "FLocat")
        if locat is not None:
            out[locat.get(_X + "href", "")] = Listed(_int(entry.get("SIZE")),
                                                     entry.get("CHECKSUM", "").lower(),
                                                     entry.get("USE", ""))
    for ref in root.iter(_M + "mdRef"):
        out[ref.get(_X + "href", "")] = Listed(_int(ref.get("SIZE")),
                                               ref.get("CHECKSUM", "").lower())
    return out


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() else -1
