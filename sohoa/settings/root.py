"""The settings as a whole: the data folder and one nested model per area, read from
``SOHOA_*`` variables (and an optional ``.env``) and checked when they are loaded.

Every limit — size, pages, pixels, time — is a setting, so an operator can tune it
without touching code. Secrets are ``SecretStr`` and never printed. Reading a setting
never writes: the development secrets are made once by `Settings.prepare`, which the
service calls before it opens anything.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from digitize import OcrSettings
from kernel import DomainError, ExitCode

from .areas import (
    DatabaseSettings,
    JobSettings,
    KeySettings,
    LoginSettings,
    OidcSettings,
    ServerSettings,
    SharingSettings,
    StorageSettings,
    SyncSettings,
    WebSettings,
    parse_keks,
)
from .env import AreaSpec, FlatSource, nest, routes, spec_of, variable_of
from .production import production_problems
from .work import (
    AgencySettings,
    ArchiveSettings,
    CaptureSettings,
    IntakeSettings,
    RecordSettings,
    ReportSettings,
    SearchSettings,
    SigningSettings,
)

if TYPE_CHECKING:
    from accounts.oidc import OidcConfig
    from digitize.limits import CaptureLimits, SandboxLimits

#: The OCR options are digitize's own dataclass; the names of their variables are here.
OCR_NAMES = {"page_timeout_seconds": "ocr_page_timeout",
             "document_timeout_seconds": "ocr_document_timeout", "ocr_dpi": "ocr_dpi"}
TOP = ("data_dir", "env")


class SettingsInvalid(DomainError):
    """A setting has a value the service cannot run with; the message names the variable."""

    code = "settings_invalid"
    http_status = 500
    exit_code = ExitCode.REFUSED


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)
    #: Where ``.env`` is read from (the working directory, as before).
    ENV_FILE: ClassVar[Path] = Path(".env")

    data_dir: Path = Path("data")
    #: ``production`` refuses what is only for trying the service (`production.py`).
    env: Literal["development", "production"] = "development"
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    keys: KeySettings = Field(default_factory=KeySettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    sharing: SharingSettings = Field(default_factory=SharingSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    capture: CaptureSettings = Field(default_factory=CaptureSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    records: RecordSettings = Field(default_factory=RecordSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    signing: SigningSettings = Field(default_factory=SigningSettings)
    agency: AgencySettings = Field(default_factory=AgencySettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments first, then the environment, then ``.env``; the flat names
        of the last two are nested by `env.FlatSource`."""
        return (init_settings, FlatSource(settings_cls, ROUTES),
                FlatSource(settings_cls, ROUTES, cls.ENV_FILE))

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_names(cls, data: Any) -> Any:
        """Keyword arguments by their flat names (``Settings(ocr_jobs=1)``), as operators
        name them, go where the environment's would."""
        if not isinstance(data, dict):
            return data
        flat = {k: v for k, v in data.items() if k in ROUTES and len(ROUTES[k]) > 1}
        rest = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()
                if k not in flat}
        return nest(flat, ROUTES, into=rest)

    def production_problems(self) -> list[str]:
        """What in these settings a production service may not run with (`production.py`);
        the service adds what the database says before it starts (`sohoa.services`)."""
        if self.env != "production":
            return []
        return production_problems(signing=self.signing, keys=self.keys, server=self.server,
                                   archive=self.archive, records=self.records,
                                   agency=self.agency)

    @model_validator(mode="after")
    def _broker_when_celery(self) -> Settings:
        if self.jobs.backend == "celery" and not (self.jobs.celery_broker_url
                                                  or self.server.redis_url):
            raise ValueError("SOHOA_JOB_BACKEND=celery cần SOHOA_CELERY_BROKER_URL hoặc "
                             "SOHOA_REDIS_URL (the Celery backend needs a broker URL)")
        return self

    def replaced(self, **values: Any) -> Settings:
        """A copy with ``values`` changed, named as their variables are (``max_file_bytes``,
        ``ocr_jobs``) and checked like the rest; the environment is not read again. A name
        that is no setting is refused, not ignored."""
        unknown = sorted(set(values) - set(ROUTES) - set(type(self).model_fields))
        if unknown:
            raise TypeError(f"no such setting: {', '.join(unknown)}")
        merged = self.model_dump()
        for key, value in nest(values, ROUTES).items():
            if isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        return Settings.model_validate(merged)

    # -- where things are ------------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        return self.data_dir.resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_path / 'sohoa.db'}"

    @property
    def resolved_storage_url(self) -> str:
        return self.storage.url or f"file://{self.data_path / 'blobs'}"

    @property
    def search_path(self) -> Path:
        return self.search.dir or self.data_path / "search"

    @property
    def resolved_archive_storage_url(self) -> str:
        return self.archive.storage_url or f"file://{self.data_path / 'archive'}"

    @property
    def resolved_broker_url(self) -> str:
        url = self.jobs.celery_broker_url or self.server.redis_url
        assert url, "checked at load"
        return url

    @property
    def pki_dir(self) -> Path:
        return self.data_path / "pki"

    @property
    def exports_dir(self) -> Path:
        """Packages exported from the archive screens (shared by every worker)."""
        return self.data_path / "web-exports"

    # -- what spans two areas ----------------------------------------------------------------
    @property
    def capture_limits(self) -> CaptureLimits:
        return self.capture.limits(self.intake.min_dpi)

    @property
    def sandbox_limits(self) -> SandboxLimits:
        return self.intake.sandbox(self.capture.seconds_per_megapixel)

    def oidc_config(self) -> OidcConfig | None:
        """The identity provider's settings, or None when OIDC login is off."""
        return self.oidc.config(self.server.public_url)

    # -- secrets -----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Make the data folder and, for what is not configured, the development secrets
        kept in it (DEV: they sit next to the data they protect). Safe to repeat."""
        self.data_path.mkdir(parents=True, exist_ok=True)
        made = {"kek": lambda: f"dev-{date.today():%Y%m%d}:"
                + base64.b64encode(secrets.token_bytes(32)).decode()}
        for name, configured in (("kek", self.keys.kek), ("search.key", self.keys.search_key),
                                 ("url.key", self.keys.url_secret),
                                 ("token.key", self.keys.token_secret)):
            if configured is None:
                _keep(self.data_path / "secrets" / name,
                      made.get(name, lambda: secrets.token_hex(32)))

    def key_encryption_keys(self) -> tuple[dict[str, bytes], str]:
        """Every configured KEK by id, and the id of the current one."""
        current = self._secret(self.keys.kek, "kek")
        old = self.keys.kek_old.get_secret_value() if self.keys.kek_old else ""
        keys = parse_keks(",".join(s for s in (current, old) if s))
        return keys, current.split(":", 1)[0].strip()

    def search_key_bytes(self) -> bytes:
        return bytes.fromhex(self._secret(self.keys.search_key, "search.key"))

    def url_secret_bytes(self) -> bytes:
        return self._secret(self.keys.url_secret, "url.key").encode()

    def token_secret_bytes(self) -> bytes:
        return self._secret(self.keys.token_secret, "token.key").encode()

    def _secret(self, configured: SecretStr | None, name: str) -> str:
        """The configured secret, or the one `prepare` made in the data dir."""
        if configured is not None:
            return configured.get_secret_value()
        path = self.data_path / "secrets" / name
        if not path.is_file():
            raise SettingsInvalid(f"chưa có khóa {name} trong {self.data_path}: hãy chạy "
                                  "'sohoa migrate' hoặc khởi động dịch vụ một lần (the data "
                                  "folder is not set up yet)")
        return path.read_text().strip()


#: The areas, as `Settings` declares them, and how their variables are named.
AREAS: tuple[AreaSpec, ...] = tuple(
    spec_of(name, kind, "ocr_", OCR_NAMES) if kind is OcrSettings else spec_of(name, kind)
    for name, field in Settings.model_fields.items()
    if name not in TOP and isinstance(kind := field.annotation, type))
#: Flat name of every setting → where it sits.
ROUTES = routes(AREAS, TOP)


def load_settings(**values: Any) -> Settings:
    """The settings from the environment (and ``values``), every area checked now: a bad
    value stops the service or the command here, with the variable it is about."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(_described(e["loc"], e["msg"]) for e in exc.errors())
        raise SettingsInvalid(f"cấu hình không hợp lệ (invalid settings): {problems}") from None


def _described(location: tuple[int | str, ...], message: str) -> str:
    """One problem: the variable it is about, and what is wrong; a rule over several
    variables names them itself."""
    message = message.removeprefix("Value error, ")
    return f"{variable_of(tuple(location), AREAS)}: {message}" if location else message


def _keep(path: Path, make: Callable[[], str]) -> None:
    """Write a new secret to ``path`` readable by this user only, unless one is there."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(make())
