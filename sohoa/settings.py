"""Settings, read from ``SOHOA_*`` environment variables (and an optional ``.env``).

Every limit — size, pages, pixels, time — is here, so an operator can tune it
without touching code. Secrets are ``SecretStr`` and never printed.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from accounts.oidc import OidcConfig
from digitize import IntakeLimits, OcrSettings
from digitize.capture import CaptureLimits
from digitize.result_code import DEFAULT_TEMPLATE
from digitize.sandbox import SandboxLimits
from signing import DEFAULT_CONVERSION_MARK, KeySource, PadesLevel, key_source_from_spec
from vault import REQUIRED_FIELDS

from .jobs import JobPolicy

_LIMITS = IntakeLimits()
_OCR = OcrSettings()
_SANDBOX = SandboxLimits()
_CAPTURE = CaptureLimits()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data dir"
    )
    storage_url: str | None = Field(
        default=None, description="file:///path or s3://bucket[/prefix]; default: data/blobs"
    )
    api_threads: int = Field(
        default=4, ge=1, le=200, description="Worker threads per API process for routes "
        "that block (database, storage, signing); requests beyond wait their turn")
    db_pool_size: int = Field(default=10, ge=1, le=500, description="Database connections "
                              "each process keeps (PostgreSQL)")
    db_max_overflow: int = Field(default=20, ge=0, le=500, description="Extra connections "
                                 "opened under load")
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str | None = None
    s3_secure: bool = True

    host: str = "127.0.0.1"
    port: int = 8000
    trusted_proxies: str = Field(default="", description=(
        "Addresses or networks (comma-separated, e.g. '10.0.0.5,10.1.0.0/16') of the reverse "
        "proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; empty: none, "
        "the peer's own address is the client's"))
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description=(
        "Largest body of a request that uploads no file (JSON, forms); file uploads are "
        "bounded by SOHOA_MAX_TOTAL_BYTES"))
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Address citizens reach the service at: "
        "look-up URLs printed on paper copies, the development CRL",
    )
    url_secret: SecretStr | None = Field(
        default=None, description="HMAC key for local presigned URLs; default: made once per data dir"
    )

    # Accounts and logging in (issue 5, item 1).
    token_secret: SecretStr | None = Field(
        default=None, description="HMAC key that signs access tokens (at least 32 bytes); "
        "default: made once per data dir",
    )
    token_minutes: int = Field(default=60, ge=1, le=24 * 60,
                               description="How long an access token is valid")
    password_min_length: int = Field(default=10, ge=8)
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per username before a pause")
    login_max_client_failures: int = Field(
        default=50, ge=1, description="Failed logins per client address before a pause")
    login_window_seconds: int = Field(
        default=900, ge=1, description="The pause, and the window failures are counted in")
    redis_url: str | None = Field(
        default=None, description="redis://… shared by every process (login counters); "
        "default: in memory, for one process")

    # Login through an identity provider (OIDC, VNeID-style): off until an issuer is set.
    oidc_issuer: str | None = Field(
        default=None, description="The provider's issuer URL; its /.well-known/"
        "openid-configuration is read at the first login")
    oidc_client_id: str | None = Field(default=None, description="This service's client ID")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="This service's client secret at the provider")
    oidc_redirect_url: str | None = Field(
        default=None, description="The callback URL registered at the provider; default: "
        "PUBLIC_URL + /api/v1/auth/oidc/callback")
    oidc_scopes: str = Field(default="openid profile", description="Scopes asked for")
    oidc_owner_claim: str | None = Field(
        default=None, description="ID-token claim with the personal ID or tax code: when "
        "set, a citizen or organisation account is made at first login; otherwise an "
        "administrator links each account")
    oidc_acr_values: str = Field(
        default="", description="Assurance levels accepted, space-separated (asked for and "
        "checked in the ID token); empty: any")
    oidc_timeout_seconds: float = Field(default=10.0, gt=0, le=120,
                                        description="Timeout of each call to the provider")

    # Reuse with consent (issue 5, item 5).
    grant_default_days: int = Field(default=30, ge=1, description="How long an agency may read "
                                    "documents a citizen shares, unless they choose")
    grant_max_days: int = Field(default=365, ge=1, description="The longest sharing allowed")

    # Encryption at rest (issue 5, item 3): see vault/keys.py and docs/security.md.
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text for people or JSON for a log pipeline")
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token Prometheus sends to /metrics; unset: "
        "/metrics answers 404")
    kek: SecretStr | None = Field(
        default=None, description="The current key-encryption key, 'ID:BASE64' (32 bytes); "
        "default: one made once in the data dir (DEV: it sits next to the data it protects)",
    )
    kek_old: SecretStr | None = Field(
        default=None, description="Earlier KEKs still needed to unwrap, 'ID:BASE64,…', until "
        "'sohoa keys rotate' has rewrapped every data key",
    )
    search_key: SecretStr | None = Field(
        default=None, description="Key of the search index's blind tokens (32+ random bytes, "
        "hex); default: one made once in the data dir. Changing it needs 'sohoa search "
        "reindex'")
    data_key_cache_seconds: float = Field(
        default=300.0, ge=0, description="How long a process keeps an unwrapped data key")

    # Intake limits (REGULATIONS 9.A.3 for the dpi and PDF version); defaults live
    # with the domain objects, so each number is written once.
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
    # Every parse of an untrusted file runs in a child with these limits (digitize.sandbox).
    parse_memory_mb: int = Field(default=_SANDBOX.memory_mb, ge=768, description=(
        "Address space of a child parsing an untrusted file, its preloaded parsers "
        "included (MB)"))
    parse_cpu_seconds: int = Field(default=_SANDBOX.cpu_seconds, ge=1, description=(
        "CPU time a child parsing an untrusted file may use"))
    intake_timeout: float = Field(default=_SANDBOX.wall_seconds, gt=0, description=(
        "Wall time after which a child parsing an untrusted file is killed and the file "
        "refused, in the request"))
    intake_seconds_per_mb: float = Field(default=_SANDBOX.seconds_per_mb, ge=0, description=(
        "Parsing time allowed per MB of input beyond SOHOA_INTAKE_TIMEOUT, for large honest "
        "batches (a bomb is small on the wire)"))
    capture_seconds_per_megapixel: float = Field(
        default=_SANDBOX.seconds_per_megapixel, ge=0, description=(
            "Time allowed the capture checks and separator sheets per megapixel of pages"))

    # OCR.
    ocr_language: str = _OCR.language
    ocr_jobs: int = _OCR.jobs
    ocr_page_timeout: float = _OCR.page_timeout_seconds
    ocr_document_timeout: float = _OCR.document_timeout_seconds
    ocr_psm: int = _OCR.psm
    ocr_rotate_pages: bool = _OCR.rotate_pages
    ocr_deskew: bool = _OCR.deskew
    ocr_suppress_colour: bool = _OCR.suppress_colour
    ocr_normalise_background: bool = _OCR.normalise_background
    ocr_perspective: bool = _OCR.perspective
    ocr_dpi: float = _OCR.ocr_dpi
    ocr_optimize: int = _OCR.optimize
    ocr_min_confidence: float = _OCR.min_confidence
    ocr_second_engine: bool = Field(default=_OCR.second_engine, description=(
        "Read the lines Tesseract is unsure of with AsterNet too and keep the better line"))
    ocr_second_engine_below: float = Field(default=_OCR.second_engine_below, ge=0, le=1)
    ocr_max_expected_cer: float = Field(default=_OCR.max_expected_cer, ge=0, le=1, description=(
        "Pages whose expected character error rate is above this go to review"))
    ocr_memory_mb: int = Field(default=_OCR.memory_mb, ge=0, description=(
        "Memory each OCR process may allocate (MB; 0: unlimited)"))

    # Capture checks at the counter (REGULATIONS 9.A.3–5); see digitize.capture.
    capture_min_sharpness: float = _CAPTURE.min_sharpness
    capture_min_pen_ratio: float = _CAPTURE.min_pen_ratio
    capture_dual_similarity: float = _CAPTURE.dual_capture_similarity
    capture_require_colour: bool = _CAPTURE.require_colour
    capture_require_dual: bool = _CAPTURE.require_dual_capture
    capture_min_readable_words: int = Field(default=_CAPTURE.min_readable_words, ge=1,
                                            description=(
        "Words read with confidence that make a page below the sharpness threshold "
        "legible: warned about, not refused"))

    # Field extraction and the digitisation record (REGULATIONS 9.A.9–12, 46–51).
    doc_types_file: Path | None = Field(
        default=None, description="JSON catalogue of document types; default: the bundled one"
    )
    procedures_file: Path | None = Field(
        default=None, description="JSON catalogue of procedures, their components and the "
        "reason codes for stopping a dossier; default: the bundled example")
    retention_file: Path | None = Field(
        default=None, description="Retention schedule (YAML or CSV): how long each kind of "
        "dossier is kept; default: the bundled EXAMPLE (retention/data)")
    # Reports (issue 7): the digitisation statistics and QĐ 766 group IV.
    report_indicators: Path | None = Field(
        default=None, description="YAML file of the QĐ 766 group IV indicators (formulas, "
        "points, bands); default: the bundled EXAMPLE (vault/data/qd766_group_iv.yaml)")
    report_max_days: int = Field(
        default=400, ge=1, le=3660, description="Longest period one report may cover, in days")
    # Archiving (issue 6): where transferred packages are kept, and their App. VI values.
    archive_storage_url: str | None = Field(
        default=None, description="Archival storage: file:///path or s3://bucket (a bucket "
        "made with S3 Object Lock; on S3 each archived object is locked in COMPLIANCE mode "
        "until its retention ends); default: <data>/archive")
    archive_rights: str = Field(
        default="Sử dụng có điều kiện", max_length=30, description="App. VI Rights (chế độ "
        "sử dụng) of archived TTHC dossiers, which hold personal data")
    archive_language: str = Field(default="Tiếng Việt", max_length=30,
                                  description="App. VI Language of archived files")
    archive_permanent_lock_years: int = Field(
        default=100, ge=1, le=1000, description="How long the storage lock of a dossier kept "
        "permanently (vĩnh viễn) runs; renewable")
    archive_workers: int = Field(
        default=0, ge=0, le=64, description="Worker processes that check the PDFs and "
        "signatures of packages when several dossiers are exported at once; 0: one per CPU")
    reuse_grant_days: int = Field(
        default=90, ge=1, le=3650, description="How long the receiving agency may read the "
        "vault documents a dossier references (reuse by default)")
    result_code_template: str = Field(
        default=DEFAULT_TEMPLATE, description="Digitisation-result code; placeholders in README"
    )
    record_required_fields: str = Field(
        default=",".join(REQUIRED_FIELDS),
        description="Record fields that must be filled before a record is stored",
    )
    record_auto_store_confidence: float = Field(
        default=0.85, description="Store a record without review when every required "
        "extracted value is at least this confident; above 1 means staff always confirm",
    )

    # Signing keys (which key signs what). Empty: the development PKI, one key per officer.
    operator_key: str = Field(
        default="", description="pkcs12:<file> or pkcs11:module=…;token=…;key=… for operator "
        "signatures; empty: the development PKI",
    )
    operator_key_secret: SecretStr | None = Field(
        default=None, description="Passphrase of the PKCS#12 file or PIN of the token")
    operator_cert: Path | None = Field(
        default=None, description="Signing certificate, when the token holds only the key")
    operator_chain: str = Field(default="", description="CA certificate files, comma-separated")
    agency_key: str = Field(
        default="", description="Key of the agency's signature (copies, certificates): "
        "pkcs12:<file> or pkcs11:…; empty: the development PKI",
    )
    agency_key_secret: SecretStr | None = None
    agency_cert: Path | None = None
    agency_chain: str = ""
    agency_seal_image: Path | None = Field(
        default=None, description="The agency seal as a transparent PNG at its real size "
        "(its resolution set), shown on issued results")

    # Signature levels and the trust services they rely on (issue 4, item 2).
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

    # Conversion certificates and the public look-up (issue 4, items 7–10).
    system_name: str = Field(
        default="Hệ thống số hóa sohoa", description="Name of the information system, "
        "printed on paper copies and in their QR (REGULATIONS 9.A.14, 9.E.40)",
    )
    conversion_mark: str = Field(
        default=DEFAULT_CONVERSION_MARK, description="The mark on paper → electronic copies "
        "(NĐ 137/2024 Art. 4); the law fixes no wording",
    )
    conversion_qr: bool = Field(
        default=True, description="Put a QR with the conversion data on paper → electronic copies")
    agency_place: str = Field(default="Hà Nội", description="Place name (địa danh) on formal copies")
    agency_abbreviation: str = Field(
        default="", description="The agency's abbreviation in copy numbers, e.g. UBND → 01/SY-UBND")
    copy_signer_position: str = Field(
        default="", description="Position of the person who signs formal paper copies")
    copy_signer_name: str = Field(
        default="", description="Full name of the person who signs formal paper copies")
    lookup_cache_seconds: float = Field(
        default=600.0, description="How long the look-up page reuses a signature check")

    # Jobs and the counter.
    job_backend: Literal["threads", "celery"] = Field(
        default="threads", description="Where jobs run: threads of the serving process "
        "(embedded default) or Celery workers (`sohoa worker`, on any machine)")
    job_workers: int = Field(default=2, ge=1, description="Job threads of a serving process "
                             "(threads backend)")
    celery_broker_url: str | None = Field(
        default=None, description="redis://… the Celery broker; default: REDIS_URL")
    job_lease_seconds: float = Field(
        default=60.0, gt=0, description="A worker renews its claim on a running job; a job "
        "not renewed for this long is run again elsewhere")
    job_queued_lease_seconds: float = Field(
        default=600.0, gt=0, description="A job waiting in the broker longer than this is "
        "dispatched again, and Redis hands an unacknowledged message to another worker "
        "after it (Celery backend): the longest a job delivered to a worker that was killed "
        "before it started waits; a second delivery is harmless")
    job_reap_seconds: float = Field(
        default=20.0, ge=0, description="How often each process looks for abandoned jobs "
        "(0: only at start-up)")
    job_max_attempts: int = Field(
        default=6, ge=1, description="Runs of a job before a passing fault (storage, "
        "database, TSA) fails it")
    job_retry_seconds: float = Field(
        default=5.0, gt=0, description="First wait before a retry; doubles each time")
    job_retry_max_seconds: float = Field(default=300.0, gt=0,
                                         description="Longest wait between retries")
    retry_after_seconds: int = Field(
        default=30, ge=1, description="Retry-After of a 503 while storage, the database or a "
        "trust service is away: when a client should try again")
    fsck_on_start: bool = Field(
        default=True, description="Run a quick fsck when the service starts (orphans "
        "quarantined, abandoned jobs resumed, damage logged)")
    fsck_grace_seconds: float = Field(
        default=3600.0, ge=0, description="fsck leaves blobs younger than this alone: their "
        "row may still be on its way")
    # A counter node (issue 8, item 5): it digitises, signs and files here, and sends
    # each filed document on to the central service when the link allows.
    central_url: str | None = Field(
        default=None, description="https://… of the central sohoa this counter node sends "
        "its documents to; unset: not a node")
    central_username: str | None = Field(
        default=None, max_length=120, description="The node's staff account at the centre")
    central_password: SecretStr | None = Field(
        default=None, description="Its password (from the environment, never the repo)")
    sync_interval_seconds: float = Field(
        default=30.0, gt=0, description="How often a node looks for documents to send")
    sync_retry_max_seconds: float = Field(
        default=300.0, gt=0, description="Longest wait between tries while the centre is "
        "unreachable (the wait doubles from the interval)")
    sync_timeout_seconds: float = Field(
        default=120.0, gt=0, description="Time limit of one document's upload to the centre")
    agency_code: str = "000.00.00.H00"
    agency_name: str = "Cơ quan thử nghiệm (DEV)"
    default_operator: str = "Cán bộ một cửa"

    # The web UI (issue 7).
    web_preview_pages: int = Field(
        default=30, ge=1, le=500, description="Pages drawn on a document screen; the rest "
        "are downloaded")
    web_preview_dpi: int = Field(default=96, ge=36, le=300,
                                 description="Resolution of the page images on screens")
    hot_folder: Path | None = Field(
        default=None, description="Folder a networked scanner writes into: one sub-folder "
        "per staff username (or per agency code); the counter screen offers its files")
    hot_folder_max_files: int = Field(default=200, ge=1, le=10_000,
                                      description="Files listed from a hot folder at once")

    def operator_key_source(self) -> KeySource | None:
        """The configured operator key, or None for the development PKI."""
        return _key_source(self.operator_key, self.operator_key_secret, self.operator_cert,
                           self.operator_chain)

    def agency_key_source(self) -> KeySource | None:
        """The configured agency key, or None for the development PKI."""
        return _key_source(self.agency_key, self.agency_key_secret, self.agency_cert,
                           self.agency_chain)

    def oidc_config(self) -> OidcConfig | None:
        """The identity provider's settings, or None when OIDC login is off."""
        if not self.oidc_issuer:
            return None
        if not self.oidc_client_id or self.oidc_client_secret is None:
            raise ValueError("SOHOA_OIDC_ISSUER needs SOHOA_OIDC_CLIENT_ID and "
                             "SOHOA_OIDC_CLIENT_SECRET")
        redirect = self.oidc_redirect_url or \
            f"{self.public_url.rstrip('/')}/api/v1/auth/oidc/callback"
        return OidcConfig(issuer=self.oidc_issuer, client_id=self.oidc_client_id,
                          client_secret=self.oidc_client_secret.get_secret_value(),
                          redirect_url=redirect, scopes=self.oidc_scopes,
                          owner_claim=self.oidc_owner_claim,
                          acr_values=tuple(self.oidc_acr_values.split()),
                          timeout=self.oidc_timeout_seconds)

    def lookup_url(self, code: str) -> str:
        """Where a look-up code answers: printed on copies and in their QR."""
        return f"{self.public_url.rstrip('/')}/v/{code}"

    @property
    def trust_root_files(self) -> list[Path]:
        return _paths(self.trust_roots)

    @property
    def capture_limits(self) -> CaptureLimits:
        return CaptureLimits(
            min_dpi=self.min_dpi, min_sharpness=self.capture_min_sharpness,
            min_pen_ratio=self.capture_min_pen_ratio,
            dual_capture_similarity=self.capture_dual_similarity,
            require_colour=self.capture_require_colour,
            require_dual_capture=self.capture_require_dual,
            min_readable_words=self.capture_min_readable_words,
        )

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.record_required_fields.split(",") if name.strip())

    @property
    def data_path(self) -> Path:
        return self.data_dir.resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'sohoa.db'}"

    @property
    def resolved_storage_url(self) -> str:
        return self.storage_url or f"file://{self.data_path / 'blobs'}"

    @property
    def resolved_archive_storage_url(self) -> str:
        return self.archive_storage_url or f"file://{self.data_path / 'archive'}"

    @property
    def pki_dir(self) -> Path:
        return self.data_path / "pki"

    @property
    def job_policy(self) -> JobPolicy:
        return JobPolicy(
            lease=timedelta(seconds=self.job_lease_seconds),
            queued_lease=timedelta(seconds=self.job_queued_lease_seconds),
            max_attempts=self.job_max_attempts,
            first_delay=timedelta(seconds=self.job_retry_seconds),
            max_delay=timedelta(seconds=self.job_retry_max_seconds),
        )

    @property
    def resolved_broker_url(self) -> str:
        url = self.celery_broker_url or self.redis_url
        if not url:
            raise ValueError("SOHOA_JOB_BACKEND=celery cần SOHOA_CELERY_BROKER_URL hoặc "
                             "SOHOA_REDIS_URL (the Celery backend needs a broker URL)")
        return url

    @property
    def exports_dir(self) -> Path:
        """Packages exported from the archive screens (shared by every worker)."""
        return self.data_path / "web-exports"

    @cached_property
    def intake_limits(self) -> IntakeLimits:
        return IntakeLimits(
            max_file_bytes=self.max_file_bytes, max_total_bytes=self.max_total_bytes,
            max_pages=self.max_pages, max_page_pixels=self.max_page_pixels,
            min_dpi=self.min_dpi, min_pdf_version=self.min_pdf_version,
            min_page_mm=self.min_page_mm, max_page_mm=self.max_page_mm,
        )

    @cached_property
    def sandbox_limits(self) -> SandboxLimits:
        return SandboxLimits(memory_mb=self.parse_memory_mb, cpu_seconds=self.parse_cpu_seconds,
                             wall_seconds=self.intake_timeout,
                             seconds_per_mb=self.intake_seconds_per_mb,
                             seconds_per_megapixel=self.capture_seconds_per_megapixel)

    @cached_property
    def ocr(self) -> OcrSettings:
        return OcrSettings(
            language=self.ocr_language, jobs=self.ocr_jobs,
            page_timeout_seconds=self.ocr_page_timeout,
            document_timeout_seconds=self.ocr_document_timeout, psm=self.ocr_psm,
            rotate_pages=self.ocr_rotate_pages, deskew=self.ocr_deskew,
            suppress_colour=self.ocr_suppress_colour,
            normalise_background=self.ocr_normalise_background,
            perspective=self.ocr_perspective, ocr_dpi=self.ocr_dpi,
            optimize=self.ocr_optimize, min_confidence=self.ocr_min_confidence,
            memory_mb=self.ocr_memory_mb, second_engine=self.ocr_second_engine,
            second_engine_below=self.ocr_second_engine_below,
            max_expected_cer=self.ocr_max_expected_cer,
        )

    def key_encryption_keys(self) -> tuple[dict[str, bytes], str]:
        """Every configured KEK by id, and the id of the current one."""
        current = self.kek.get_secret_value() if self.kek else self._secret(
            None, "kek", lambda: f"dev-{date.today():%Y%m%d}:"
            + base64.b64encode(secrets.token_bytes(32)).decode())
        keys: dict[str, bytes] = {}
        for spec in [current] + (self.kek_old.get_secret_value().split(",") if self.kek_old
                                 else []):
            kek_id, sep, encoded = spec.strip().partition(":")
            try:
                key = base64.b64decode(encoded, validate=True)
            except ValueError:
                key = b""
            if not sep or not kek_id or len(key) != 32:
                raise ValueError(f"SOHOA_KEK / SOHOA_KEK_OLD: '{kek_id or '?'}:…' must be "
                                 "ID:BASE64 of 32 random bytes")
            keys[kek_id] = key
        return keys, current.split(":", 1)[0].strip()

    def search_key_bytes(self) -> bytes:
        return bytes.fromhex(self._secret(self.search_key, "search.key"))

    def url_secret_bytes(self) -> bytes:
        return self._secret(self.url_secret, "url.key").encode()

    def token_secret_bytes(self) -> bytes:
        return self._secret(self.token_secret, "token.key").encode()

    def _secret(self, configured: SecretStr | None, name: str,
                make: Callable[[], str] = lambda: secrets.token_hex(32)) -> str:
        """The configured secret, or one made on first run and kept in the data dir."""
        if configured is not None:
            return configured.get_secret_value()
        path = self.data_path / "secrets" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(make())
        return path.read_text().strip()


def _paths(files: str) -> list[Path]:
    return [Path(p.strip()) for p in files.split(",") if p.strip()]


def _key_source(spec: str, secret: SecretStr | None, cert: Path | None,
                chain: str) -> KeySource | None:
    if not spec.strip():
        return None
    return key_source_from_spec(spec, secret=secret.get_secret_value() if secret else None,
                                cert=cert, chain=tuple(_paths(chain)))
