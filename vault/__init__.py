"""The personal e-data vault (kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

Owners keyed by personal ID or tax code, their documents and file versions,
dossiers and the audit trail, behind one service (``Vault``) that the API, the
CLI and the job workers share. Nothing is visible to everyone by default.
"""

from .access import Access, AccessPath, Action
from .case_records import DossierRecord, NoticeRecord
from .conversions import (
    ConversionRecord,
    DocumentStanding,
    LookupRecord,
    NewConversion,
    new_lookup_code,
    normalise_code,
)
from .digitisation import LABELS, REQUIRED_FIELDS, DigitisationRecord
from .dossiers import DossierRef, dossier_codes, dossier_ref, format_code, is_dossier_code
from .errors import (
    AgencyCodeExpired,
    AlreadyCertified,
    CodeConflict,
    DocumentRevoked,
    DossierMismatch,
    Forbidden,
    InvalidRecordValue,
    InvalidTransition,
    NotAnExtension,
    NotAResult,
    NotFound,
    RecordIncomplete,
    ReuseReasonRequired,
    UnknownVariant,
    VaultError,
)
from .indicators import IndicatorError, IndicatorSet
from .models import ConversionDirection, DocumentStatus, DossierStatus, FileRole
from .procedures import Procedure, ProcedureCatalogue, ProcedureCatalogueError
from .records import DocumentRecord, FileRecord, NewFile, StoredFile
from .service import Vault
from .statistics import DigitisationReport, ReportQuery, ReportRow

__all__ = [
    "DigitisationReport",
    "IndicatorError",
    "IndicatorSet",
    "ReportQuery",
    "ReportRow",
    "AgencyCodeExpired",
    "DossierRecord",
    "DossierRef",
    "dossier_codes",
    "dossier_ref",
    "DossierStatus",
    "NoticeRecord",
    "Procedure",
    "ProcedureCatalogue",
    "ProcedureCatalogueError",
    "ReuseReasonRequired",
    "Access",
    "AccessPath",
    "Action",
    "Forbidden",
    "AlreadyCertified",
    "ConversionDirection",
    "ConversionRecord",
    "DocumentRevoked",
    "DocumentStanding",
    "LookupRecord",
    "NewConversion",
    "NotAResult",
    "new_lookup_code",
    "normalise_code",
    "LABELS",
    "REQUIRED_FIELDS",
    "CodeConflict",
    "DigitisationRecord",
    "InvalidRecordValue",
    "InvalidTransition",
    "NotAnExtension",
    "RecordIncomplete",
    "DocumentRecord",
    "DocumentStatus",
    "DossierMismatch",
    "FileRecord",
    "FileRole",
    "NewFile",
    "NotFound",
    "StoredFile",
    "UnknownVariant",
    "Vault",
    "VaultError",
    "format_code",
    "is_dossier_code",
]
