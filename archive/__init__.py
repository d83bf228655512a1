"""Archival packages (gói hồ sơ nộp lưu): write, read and validate them.

A dossier leaves for the archive as a BagIt bag laid out after E-ARK CSIP, with
METS, PREMIS and the NĐ 30/2020 App. VI metadata (TT 13/2023/TT-BNV). This package
knows packages only: the composition layer (``sohoa.usecases.archiving``) gathers dossiers
from the vault into ``DossierPackage`` records; ``transfers`` keeps the record of each
package handed over. It never deletes anything.
"""

from . import transfers, verdicts
from .appendix6 import (
    DocumentMetadata,
    FieldProblem,
    FileMetadata,
    MetadataError,
    file_code,
)
from .content import (
    ORIGINAL,
    PRESERVATION,
    Agent,
    DossierPackage,
    Event,
    HistoryEntry,
    PackagedDocument,
    PackageFile,
)
from .package import (
    MetadataInvalid,
    OpenedPackage,
    PackageError,
    WrittenPackage,
    open_package,
    package_name,
    write_package,
)
from .pdfcheck import PdfChecker, PdfItem, PdfVerdict, RememberingChecker, SignatureCheck
from .validate import ValidationReport, validate_package

__all__ = [
    "transfers",
    "verdicts",
    "ORIGINAL",
    "PRESERVATION",
    "Agent",
    "DocumentMetadata",
    "DossierPackage",
    "Event",
    "FieldProblem",
    "FileMetadata",
    "HistoryEntry",
    "MetadataError",
    "MetadataInvalid",
    "OpenedPackage",
    "PackageError",
    "PackageFile",
    "PackagedDocument",
    "PdfChecker",
    "PdfItem",
    "PdfVerdict",
    "RememberingChecker",
    "SignatureCheck",
    "ValidationReport",
    "WrittenPackage",
    "file_code",
    "open_package",
    "package_name",
    "validate_package",
    "write_package",
]
