"""The settings of the work itself: intake and capture limits, the digitisation record,
archiving, reports, signing and the agency's formal details. The OCR options are
`digitize.OcrSettings` itself (``settings.ocr``), defined once."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from digitize.limits import CaptureLimits, IntakeLimits, SandboxLimits
from digitize.result_code import DEFAULT_TEMPLATE
from signing import DEFAULT_CONVERSION_MARK, PadesLevel
from vault import REQUIRED_FIELDS

from .base import Area

#: The agency the embedded default seeds (DEV ONLY); never offered once real ones exist.
DEVELOPMENT_AGENCY = "000.00.00.H00"

_LIMITS = IntakeLimits()
_SANDBOX = SandboxLimits()
_CAPTURE = CaptureLimits()


class IntakeSettings(Area):
    """What intake accepts and how long parsing an untrusted file may take (REGULATIONS 9.A.3).

    Defaults live with the domain objects (`digitize.IntakeLimits`, `SandboxLimits`),
    so each number is written once."""

    ENV_NAMES = {"timeout": "intake_timeout", "seconds_per_mb": "intake_seconds_per_mb"}

    max_file_bytes: int = _LIMITS.max_file_bytes
    max_total_bytes: int = _LIMITS.max_total_bytes
    max_pages: int = _LIMITS.max_pages
    max_page_pixels: int = _LIMITS.max_page_pixels
    min_dpi: float = _LIMITS.min_dpi
    min_pdf_version: str = _LIMITS.min_pdf_version
    min_page_mm: float = Field(default=_LIMITS.min_page_mm, gt=0)
    max_page_mm: float = Field(default=_LIMITS.max_page_mm, gt=0)
    max_verify_pages: int = Field(default=5000, ge=1, description=(
        "Pages a PDF sent for signature verification may have"))
    parse_memory_mb: int = Field(default=_SANDBOX.memory_mb, ge=768, description=(
        "Address space of a child parsing an untrusted file, its preloaded parsers "
        "included (MB)"))
    parse_cpu_seconds: int = Field(default=_SANDBOX.cpu_seconds, ge=1, description=(
        "CPU time a child parsing an untrusted file may use"))
    timeout: float = Field(default=_SANDBOX.wall_seconds, gt=0, description=(
        "Wall time after which a child parsing an untrusted file is killed and the file "
        "refused, in the request"))
    seconds_per_mb: float = Field(default=_SANDBOX.seconds_per_mb, ge=0, description=(
        "Parsing time allowed per MB of input beyond SOHOA_INTAKE_TIMEOUT, for large honest "
        "batches (a bomb is small on the wire)"))
    hot_folder: Path | None = Field(
        default=None, description="Folder a networked scanner writes into: one sub-folder "
        "per staff username (or per agency code); the counter screen offers its files")
    hot_folder_max_files: int = Field(default=200, ge=1, le=10_000,
                                      description="Files listed from a hot folder at once")
    keep_scanner_file: bool = Field(default=False, description=(
        "Keep each scanner's file beside the signed PDF/A made of it (the PDF/A is the "
        "electronic copy the law asks for; without this only the file's SHA-256 is kept)"))

    @property
    def limits(self) -> IntakeLimits:
        return IntakeLimits(
            max_file_bytes=self.max_file_bytes, max_total_bytes=self.max_total_bytes,
            max_pages=self.max_pages, max_page_pixels=self.max_page_pixels,
            min_dpi=self.min_dpi, min_pdf_version=self.min_pdf_version,
            min_page_mm=self.min_page_mm, max_page_mm=self.max_page_mm)

    def sandbox(self, seconds_per_megapixel: float) -> SandboxLimits:
        return SandboxLimits(memory_mb=self.parse_memory_mb, cpu_seconds=self.parse_cpu_seconds,
                             wall_seconds=self.timeout, seconds_per_mb=self.seconds_per_mb,
                             seconds_per_megapixel=seconds_per_megapixel)



class CaptureSettings(Area):
    """The capture checks at the counter (REGULATIONS 9.A.3–5); see `digitize.capture`."""

    ENV_PREFIX = "capture_"

    seconds_per_megapixel: float = Field(
        default=_SANDBOX.seconds_per_megapixel, ge=0, description=(
        "Time allowed the capture checks and separator sheets per megapixel of pages"))
    min_sharpness: float = _CAPTURE.min_sharpness
    min_pen_ratio: float = _CAPTURE.min_pen_ratio
    dual_similarity: float = _CAPTURE.dual_capture_similarity
    require_colour: bool = _CAPTURE.require_colour
    require_dual: bool = _CAPTURE.require_dual_capture
    min_readable_words: int = Field(default=_CAPTURE.min_readable_words, ge=1,
                                    description=(
        "Words read with confidence that make a page below the sharpness threshold "
        "legible: warned about, not refused"))

    def limits(self, min_dpi: float) -> CaptureLimits:
        return CaptureLimits(
            min_dpi=min_dpi, min_sharpness=self.min_sharpness, min_pen_ratio=self.min_pen_ratio,
            dual_capture_similarity=self.dual_similarity, require_colour=self.require_colour,
            require_dual_capture=self.require_dual, min_readable_words=self.min_readable_words)



class RecordSettings(Area):
    """Field extraction and the digitisation record (REGULATIONS 9.A.9–12, 46–51)."""

    ENV_PREFIX = "record_"
    ENV_PLAIN = ("doc_types_file", "procedures_file", "result_code_template", "default_operator")

    doc_types_file: Path | None = Field(
        default=None, description="JSON catalogue of document types; default: the bundled one"
    )
    procedures_file: Path | None = Field(
        default=None, description="JSON catalogue of procedures, their components and the "
        "reason codes for stopping a dossier; default: the bundled example")
    result_code_template: str = Field(
        default=DEFAULT_TEMPLATE, description="Digitisation-result code; placeholders in README"
    )
    required_fields: str = Field(
        default=",".join(REQUIRED_FIELDS),
        description="Record fields that must be filled before a record is stored",
    )
    auto_store_confidence: float = Field(
        default=0.85, description="Store a record without review when every required "
        "extracted value is at least this confident; above 1 means staff always confirm",
    )
    default_operator: str = "Cán bộ một cửa"

    supplementary_owner_fields: str = Field(
        default="full_name,birth_date,nationality,identity_document,address", description=(
            "The supplementary-owner block of a person with no personal ID or tax code "
            "(REGULATIONS 48): its fields, each required, comma-separated"))

    @property
    def required(self) -> tuple[str, ...]:
        """The fields a record needs before it is stored."""
        return tuple(name.strip() for name in self.required_fields.split(",") if name.strip())

    @property
    def supplementary_fields(self) -> tuple[str, ...]:
        """The fields of the supplementary-owner block, each required."""
        return tuple(name.strip() for name in self.supplementary_owner_fields.split(",")
                     if name.strip())



class ArchiveSettings(Area):
    """Archiving: the retention schedule, where transferred packages are kept, their App. VI values."""

    ENV_PREFIX = "archive_"
    ENV_PLAIN = ("retention_file",)

    storage_url: str | None = Field(
        default=None, description="Archival storage: file:///path or s3://bucket (a bucket "
        "made with S3 Object Lock; on S3 each archived object is locked in COMPLIANCE mode "
        "until its retention ends); default: <data>/archive")
    rights: str = Field(
        default="Sử dụng có điều kiện", max_length=30, description="App. VI Rights (chế độ "
        "sử dụng) of archived TTHC dossiers, which hold personal data")
    language: str = Field(default="Tiếng Việt", max_length=30,
                          description="App. VI Language of archived files")
    permanent_lock_years: int = Field(
        default=100, ge=1, le=1000, description="How long the storage lock of a dossier kept "
        "permanently (vĩnh viễn) runs; renewable")
    workers: int = Field(
        default=0, ge=0, le=64, description="Worker processes that check the PDFs and "
        "signatures of packages when several dossiers are exported at once; 0: one per CPU")
    retention_file: Path | None = Field(
        default=None, description="Retention schedule (YAML or CSV): how long each kind of "
        "dossier is kept; default: the bundled EXAMPLE (retention/data)")


class ReportSettings(Area):
    """Reports: the QĐ 766 group IV indicators and the longest period."""

    ENV_PREFIX = "report_"

    indicators: Path | None = Field(
        default=None, description="YAML file of the QĐ 766 group IV indicators (formulas, "
        "points, bands); default: the bundled EXAMPLE (vault/data/qd766_group_iv.yaml)")
    max_days: int = Field(
        default=400, ge=1, le=3660, description="Longest period one report may cover, in days")


class SigningSettings(Area):
    """Signature levels, the PIN session, remote signing and the trust services signatures
    rely on. Which key signs is data, per agency and per officer (`sohoa.signing_keys`):
    ``sohoa admin agency key`` and ``sohoa admin account key``."""

    operator_signature_level: PadesLevel = PadesLevel.B_T
    agency_signature_level: PadesLevel = PadesLevel.B_LTA
    tsa_url: str = Field(
        default="", description="RFC 3161 timestamping authority; empty: the built-in "
        "development TSA (DEV ONLY)",
    )
    tsa_username: str | None = None
    tsa_password: SecretStr | None = None
    tsa_timeout: float = 10.0
    revocation_fetch: bool = Field(
        default=True, description="Fetch OCSP responses and CRLs when signing at B-LT/B-LTA "
        "and when validating",
    )
    revocation_cache_seconds: float = Field(
        default=3600.0, description="Reuse a fetched OCSP response or CRL for this long "
        "(never past its nextUpdate)",
    )
    revocation_timeout: float = 10.0
    trust_roots: str = Field(
        default="", description="Root CA certificate files trusted for validation, comma-separated")
    trust_dev_root: bool = Field(
        default=True, description="Trust the development root (turn off in production)")
    pin_session_minutes: float = Field(
        default=15.0, ge=1, le=720, description="How long an officer's PIN is held (sealed) "
        "after they give it, so their signatures of a working session need it once")
    remote_signing_login_password: SecretStr | None = Field(
        default=None, description="Password of the account a key source's 'login=' names at "
        "the remote signing service (CSC auth/login)")
    remote_signing_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Time limit of each call to the remote "
        "signing service")
    key_contact: str = Field(
        default="quản trị hệ thống", max_length=200, description="Whom staff are told to ask "
        "when their agency or they have no signing key (a unit, a phone number)")

    @property
    def trust_root_files(self) -> list[Path]:
        return paths(self.trust_roots)



class AgencySettings(Area):
    """The agency this deployment serves, and what its formal copies and certificates print."""

    ENV_PREFIX = "agency_"
    ENV_PLAIN = ("copy_signer_position", "copy_signer_name", "conversion_mark", "conversion_qr",
                 "system_name")

    code: str = DEVELOPMENT_AGENCY
    name: str = "Cơ quan thử nghiệm (DEV)"
    place: str = Field(default="Hà Nội", description="Place name (địa danh) on formal copies")
    abbreviation: str = Field(
        default="", description="The agency's abbreviation in copy numbers, e.g. UBND → 01/SY-UBND")
    copy_signer_position: str = Field(
        default="", description="Position of the person who signs formal paper copies")
    copy_signer_name: str = Field(
        default="", description="Full name of the person who signs formal paper copies")
    conversion_mark: str = Field(
        default=DEFAULT_CONVERSION_MARK, description="The mark on paper → electronic copies "
        "(NĐ 137/2024 Art. 4); the law fixes no wording",
    )
    conversion_qr: bool = Field(
        default=True, description="Put a QR with the conversion data on paper → electronic copies")
    system_name: str = Field(
        default="Hệ thống số hóa sohoa", description="Name of the information system, "
        "printed on paper copies and in their QR (REGULATIONS 9.A.14, 9.E.40)",
    )


def paths(files: str) -> list[Path]:
    """Comma-separated file names as paths."""
    return [Path(p.strip()) for p in files.split(",") if p.strip()]


class SearchSettings(Area):
    """The ranked search index each server keeps beside the database (vault.search_indexer)."""

    ENV_PREFIX = "search_"

    dir: Path | None = Field(
        default=None, description="The index folder, on this server's own disk; default: "
        "data/search. Empty or lost, it is built again from the vault by itself")
    poll_seconds: float = Field(
        default=1.0, ge=0, le=3600, description="How often a server takes in what other "
        "processes changed (0: only when someone searches)")
    settle_seconds: float = Field(
        default=30.0, ge=1, le=3600, description="Changes younger than this are read again "
        "on each round, in case an older one commits late")
    writer_mb: int = Field(default=100, ge=15, le=4096, description="Memory the index "
                           "writer fills before it writes a segment")

