"""The personal e-data vault (kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

Owners keyed by personal ID or tax code, their documents and file versions,
dossiers and the audit trail, behind one service (``Vault``) that the API, the
CLI and the job workers share. Nothing is visible to everyone by default.

Names load their modules on first use (`kernel.lazy`); the modules that define tables
load with the package, so every table is on the shared metadata (migrations, backup).
"""

from typing import TYPE_CHECKING

from kernel.lazy import exports

from . import (  # noqa: F401 - the tables
    agency_profiles,
    audit,
    certifications,
    counters,
    data_requests,
    fingerprints,
    grants,
    keys,
    models,
    search_log,
)

#: Each name this package offers, by the module it comes from (loaded on first use).
_MODULES = {
    "agency_catalogue": ("AgencyCatalogueError", "AgencyEntry", "read_catalogue"),
    "access": ("Access", "AccessPath", "Action"),
    "case_records": ("DossierRecord", "NoticeRecord"),
    "conversions": ("ConversionRecord", "DocumentStanding", "LookupRecord", "NewConversion",
        "new_lookup_code", "normalise_code"),
    "digitisation": ("LABELS", "REQUIRED_FIELDS", "DigitisationRecord"),
    "dossiers": ("DossierRef", "dossier_codes", "dossier_ref", "format_code", "is_dossier_code"),
    "errors": ("AgencyCodeExpired", "AlreadyCertified", "AlreadyFiled", "CodeConflict", "DocumentRevoked",
        "DossierMismatch", "Forbidden", "InvalidRecordValue", "InvalidTransition",
        "NotAnExtension", "NotAResult", "NotFound", "RangeNotSatisfiable", "RecordIncomplete",
        "ReuseReasonRequired", "UnknownVariant", "VaultError"),
    "finder": ("SearchFilters", "SearchHit"),
    "indicators": ("IndicatorError", "IndicatorSet"),
    "models": ("ConversionDirection", "DocumentStatus", "DossierStatus", "FileRole"),
    "procedures": ("Procedure", "ProcedureCatalogue", "ProcedureCatalogueError"),
    "records": ("DocumentRecord", "FileRecord", "NewFile", "OpenedFile", "StoredFile"),
    "service": ("Vault",),
    "statistics": ("DigitisationReport", "ReportQuery", "ReportRow"),
}
__getattr__ = exports(__name__, _MODULES)

if TYPE_CHECKING:
    from .access import (
        Access as Access,
        AccessPath as AccessPath,
        Action as Action,
    )
    from .agency_catalogue import (
        AgencyCatalogueError as AgencyCatalogueError,
        AgencyEntry as AgencyEntry,
        read_catalogue as read_catalogue,
    )
    from .case_records import (
        DossierRecord as DossierRecord,
        NoticeRecord as NoticeRecord,
    )
    from .conversions import (
        ConversionRecord as ConversionRecord,
        DocumentStanding as DocumentStanding,
        LookupRecord as LookupRecord,
        NewConversion as NewConversion,
        new_lookup_code as new_lookup_code,
        normalise_code as normalise_code,
    )
    from .digitisation import (
        LABELS as LABELS,
        REQUIRED_FIELDS as REQUIRED_FIELDS,
        DigitisationRecord as DigitisationRecord,
    )
    from .dossiers import (
        DossierRef as DossierRef,
        dossier_codes as dossier_codes,
        dossier_ref as dossier_ref,
        format_code as format_code,
        is_dossier_code as is_dossier_code,
    )
    from .errors import (
        AgencyCodeExpired as AgencyCodeExpired,
        AlreadyCertified as AlreadyCertified,
        AlreadyFiled as AlreadyFiled,
        CodeConflict as CodeConflict,
        DocumentRevoked as DocumentRevoked,
        DossierMismatch as DossierMismatch,
        Forbidden as Forbidden,
        InvalidRecordValue as InvalidRecordValue,
        InvalidTransition as InvalidTransition,
        NotAnExtension as NotAnExtension,
        NotAResult as NotAResult,
        NotFound as NotFound,
        RangeNotSatisfiable as RangeNotSatisfiable,
        RecordIncomplete as RecordIncomplete,
        ReuseReasonRequired as ReuseReasonRequired,
        UnknownVariant as UnknownVariant,
        VaultError as VaultError,
    )
    from .finder import (
        SearchFilters as SearchFilters,
        SearchHit as SearchHit,
    )
    from .indicators import (
        IndicatorError as IndicatorError,
        IndicatorSet as IndicatorSet,
    )
    from .models import (
        ConversionDirection as ConversionDirection,
        DocumentStatus as DocumentStatus,
        DossierStatus as DossierStatus,
        FileRole as FileRole,
    )
    from .procedures import (
        Procedure as Procedure,
        ProcedureCatalogue as ProcedureCatalogue,
        ProcedureCatalogueError as ProcedureCatalogueError,
    )
    from .records import (
        DocumentRecord as DocumentRecord,
        FileRecord as FileRecord,
        NewFile as NewFile,
        OpenedFile as OpenedFile,
        StoredFile as StoredFile,
    )
    from .service import (
        Vault as Vault,
    )
    from .statistics import (
        DigitisationReport as DigitisationReport,
        ReportQuery as ReportQuery,
        ReportRow as ReportRow,
    )

__all__ = [
    "AlreadyFiled",
    "AgencyCatalogueError",
    "AgencyEntry",
    "read_catalogue",
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
    "OpenedFile",
    "RangeNotSatisfiable",
    "SearchFilters",
    "SearchHit",
    "StoredFile",
    "UnknownVariant",
    "Vault",
    "VaultError",
    "format_code",
    "is_dossier_code",
]
