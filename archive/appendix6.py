"""The metadata of NĐ 30/2020/NĐ-CP Appendix VI (dữ liệu đặc tả hồ sơ, tài liệu), as XML.

An archive receives every file with its file-level fields (Part II §III) and every
document with its document-level ones (§I–II); each field has a maximum length, and
the archive checks them (REGULATIONS 6.8–6.9, 9.D.31–32). The XML keeps the tags of
the appendix so that an archivist, or another system, reads it without our code.
A value over its length is an error here, never silently cut: a shortened name or
subject would be a different record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from lxml import etree

from kernel import DomainError

NS = "urn:sohoa:nd30-2020:phu-luc-vi"
_Q = f"{{{NS}}}"

#: Field → maximum length, as the appendix gives them (Number fields: digits).
FILE_LIMITS: dict[str, int] = {
    "OrganId": 13, "FileCatalog": 4, "FileNotation": 20, "Title": 500, "Maintenance": 30,
    "Rights": 30, "Creator": 30, "Language": 50, "StartDate": 10, "EndDate": 10,
    "DocTotal": 4, "PageTotal": 4, "Description": 500,
}
DOCUMENT_LIMITS: dict[str, int] = {
    "DocOrdinal": 3, "TypeName": 100, "CodeNumber": 11, "CodeNotation": 30,
    "IssuedDate": 10, "OrganName": 200, "Subject": 500, "Language": 30, "PageAmount": 3,
    "Description": 500, "Position": 100, "FullName": 50, "Priority": 1,
}
#: Fields an archived file may not lack (the appendix makes the system fill these).
FILE_REQUIRED = ("OrganId", "FileCatalog", "FileNotation", "Title", "Maintenance", "Rights",
                 "Language", "StartDate", "EndDate", "DocTotal", "PageTotal")
DOCUMENT_REQUIRED = ("DocOrdinal", "TypeName", "Subject", "Language", "PageAmount")


def file_code(organ_id: str, year: int, notation: str) -> str:
    """Mã hồ sơ lưu trữ ``<OrganId>.<FileCatalog>.<FileNotation>`` (REGULATIONS 9.B.18)."""
    return f"{organ_id}.{year:04d}.{notation}"


@dataclass(frozen=True)
class FieldProblem:
    """One field that breaks the appendix: where it is, which field, what is wrong."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        """As error bodies list problems (API and CLI ``--json``)."""
        return {"code": self.field, "where": self.where, "message": self.message}


@dataclass(frozen=True)
class DocumentMetadata:
    """Document-level fields (văn bản trong hồ sơ); names follow the appendix's tags."""

    DocOrdinal: int
    TypeName: str
    Subject: str
    PageAmount: int
    Language: str = "Tiếng Việt"
    CodeNumber: str | None = None
    CodeNotation: str | None = None
    IssuedDate: date | None = None
    OrganName: str | None = None
    Description: str | None = None
    Position: str | None = None
    FullName: str | None = None
    #: Độ mật / độ khẩn: 0 ordinary.
    Priority: int = 0

    def values(self) -> dict[str, str]:
        return _texts(self)


@dataclass(frozen=True)
class FileMetadata:
    """File-level fields (hồ sơ); ``documents`` in the file's chronological order."""

    OrganId: str
    FileCatalog: int
    FileNotation: str
    Title: str
    Maintenance: str
    Rights: str
    Language: str
    StartDate: date
    EndDate: date
    DocTotal: int
    PageTotal: int
    Creator: str | None = None
    Description: str | None = None
    documents: tuple[DocumentMetadata, ...] = field(default=())

    @property
    def file_code(self) -> str:
        return file_code(self.OrganId, self.FileCatalog, self.FileNotation)

    def values(self) -> dict[str, str]:
        return _texts(self)

    def problems(self) -> list[FieldProblem]:
        """Every missing, malformed or over-long field, file and documents (empty when
        valid)."""
        return check_values(self.values(), [doc.values() for doc in self.documents])


def _texts(record: object) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if value is None or f.name == "documents":
            continue
        out[f.name] = value.isoformat() if isinstance(value, date) else str(value)
    return out


_NUMBERS = {"FileCatalog", "DocTotal", "PageTotal", "DocOrdinal", "PageAmount", "Priority"}
_DATES = {"StartDate", "EndDate", "IssuedDate"}


def check_values(file_values: dict[str, str],
                 documents: list[dict[str, str]]) -> list[FieldProblem]:
    """Every field that is missing, over its length, or not a number or date where the
    appendix asks for one; ``documents`` in the file's order."""
    found = _check("hồ sơ", file_values, FILE_LIMITS, FILE_REQUIRED)
    start, end = file_values.get("StartDate", ""), file_values.get("EndDate", "")
    if _is_date(start) and _is_date(end) and end < start:
        found.append(FieldProblem("hồ sơ", "EndDate", f"{end} trước ngày bắt đầu {start} "
                                  "(ends before it starts)"))
    for number, values in enumerate(documents, start=1):
        found += _check(f"văn bản {values.get('DocOrdinal') or number}", values,
                        DOCUMENT_LIMITS, DOCUMENT_REQUIRED)
    return found


def _check(where: str, values: dict[str, str], limits: dict[str, int],
           required: tuple[str, ...]) -> list[FieldProblem]:
    found = [FieldProblem(where, name, "thiếu (missing)")
             for name in required if not values.get(name, "").strip()]
    for name, text in values.items():
        limit = limits.get(name)
        if limit is None or not text:
            continue
        if len(text) > limit:
            found.append(FieldProblem(where, name, f"dài {len(text)} ký tự, tối đa {limit} "
                                      f"({len(text)} characters, at most {limit})"))
        elif name in _NUMBERS and not text.isdigit():
            found.append(FieldProblem(where, name, f"{text!r} không phải số (not a number)"))
        elif name in _DATES and not _is_date(text):
            found.append(FieldProblem(where, name, f"{text!r} không phải ngày YYYY-MM-DD "
                                      "(not a date)"))
    return found


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


# -- XML ----------------------------------------------------------------------------------
_FILE_ORDER = ("Title", "Maintenance", "Rights", "Creator", "Language", "StartDate", "EndDate",
               "DocTotal", "PageTotal", "Description")
_DOC_ORDER = ("DocOrdinal", "TypeName", "CodeNumber", "CodeNotation", "IssuedDate",
              "OrganName", "Subject", "Language", "PageAmount", "Description")


def to_xml(meta: FileMetadata) -> bytes:
    """The file and its documents as one XML document (UTF-8, with declaration)."""
    values = meta.values()
    root = etree.Element(_Q + "HoSo", nsmap={None: NS})
    _file_code(root, meta)
    for name in _FILE_ORDER:
        if name in values:
            etree.SubElement(root, _Q + name).text = values[name]
    documents = etree.SubElement(root, _Q + "VanBan")
    for doc in meta.documents:
        element = etree.SubElement(documents, _Q + "TaiLieu")
        _file_code(element, meta)
        texts = doc.values()
        for name in _DOC_ORDER:
            if name in texts:
                etree.SubElement(element, _Q + name).text = texts[name]
        if doc.Position or doc.FullName:
            signer = etree.SubElement(element, _Q + "SignerInfo")
            for name in ("Position", "FullName"):
                if name in texts:
                    etree.SubElement(signer, _Q + name).text = texts[name]
        etree.SubElement(element, _Q + "Priority").text = texts["Priority"]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _file_code(parent: Any, meta: FileMetadata) -> None:
    code = etree.SubElement(parent, _Q + "FileCode")
    etree.SubElement(code, _Q + "OrganId").text = meta.OrganId
    etree.SubElement(code, _Q + "FileCatalog").text = str(meta.FileCatalog)
    etree.SubElement(code, _Q + "FileNotation").text = meta.FileNotation


class MetadataError(DomainError):
    """The XML is not App. VI metadata as this module writes it."""

    code = "invalid_archive_metadata"
    http_status = 422


def read_values(xml: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The file's field values and each document's, as text, without judging them (the
    validator checks them; ``from_xml`` turns them back into records)."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False,
                                                            no_network=True))
    except etree.XMLSyntaxError as exc:
        raise MetadataError(f"XML hỏng (malformed XML): {exc}") from None
    if root.tag != _Q + "HoSo":
        raise MetadataError(f"phần tử gốc {root.tag} không phải HoSo (not App. VI metadata)")
    file_values = _flat(root, skip=_Q + "VanBan")
    documents = [_flat(element) for element in root.iterfind(f"{_Q}VanBan/{_Q}TaiLieu")]
    return file_values, documents


def _flat(element: Any, skip: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in element:
        if child.tag == skip or not isinstance(child.tag, str):
            continue
        if len(child):
            out.update(_flat(child))
        else:
            out[etree.QName(child).localname] = child.text or ""
    return out


def from_xml(xml: bytes) -> FileMetadata:
    """Read back what ``to_xml`` wrote; MetadataError names a field that does not parse."""
    file_values, documents = read_values(xml)
    try:
        return FileMetadata(
            OrganId=file_values["OrganId"], FileCatalog=int(file_values["FileCatalog"]),
            FileNotation=file_values["FileNotation"], Title=file_values["Title"],
            Maintenance=file_values["Maintenance"], Rights=file_values["Rights"],
            Language=file_values["Language"],
            StartDate=date.fromisoformat(file_values["StartDate"]),
            EndDate=date.fromisoformat(file_values["EndDate"]),
            DocTotal=int(file_values["DocTotal"]), PageTotal=int(file_values["PageTotal"]),
            Creator=file_values.get("Creator"), Description=file_values.get("Description"),
            documents=tuple(_document(values) for values in documents))
    except (KeyError, ValueError) as exc:
        raise MetadataError(f"trường thiếu hoặc sai (a field is missing or invalid): "
                            f"{exc}") from None


def _document(values: dict[str, str]) -> DocumentMetadata:
    issued = values.get("IssuedDate")
    return DocumentMetadata(
        DocOrdinal=int(values["DocOrdinal"]), TypeName=values["TypeName"],
        Subject=values["Subject"], PageAmount=int(values["PageAmount"]),
        Language=values["Language"], CodeNumber=values.get("CodeNumber"),
        CodeNotation=values.get("CodeNotation"),
        IssuedDate=date.fromisoformat(issued) if issued else None,
        OrganName=values.get("OrganName"), Description=values.get("Description"),
        Position=values.get("Position"), FullName=values.get("FullName"),
        Priority=int(values.get("Priority", "0")))
