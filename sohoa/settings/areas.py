"""The settings of the service's machinery: server, database, storage, keys, logging in,
the identity provider, sharing, jobs, a counter node's link, the web previews."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from .base import Area

if TYPE_CHECKING:
    from accounts.oidc import OidcConfig

    from ..jobs import JobPolicy

class ServerSettings(Area):
    """How the service answers: its address, proxies, request limits, logs and metrics."""

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
    api_threads: int = Field(
        default=4, ge=1, le=200, description="Worker threads per API process for routes "
        "that block (database, storage, signing); requests beyond wait their turn")
    retry_after_seconds: int = Field(
        default=30, ge=1, description="Retry-After of a 503 while storage, the database or a "
        "trust service is away: when a client should try again")
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text for people or JSON for a log pipeline")
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token Prometheus sends to /metrics; unset: "
        "/metrics answers 404")
    lookup_cache_seconds: float = Field(
        default=600.0, description="How long the look-up page reuses a signature check")
    redis_url: str | None = Field(
        default=None, description="redis://… shared by every process (login counters); "
        "default: in memory, for one process")


class DatabaseSettings(Area):
    """The database: where it is and how many connections each process keeps."""

    ENV_PREFIX = "db_"
    ENV_NAMES = {"url": "database_url"}

    url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data dir"
    )
    pool_size: int = Field(default=10, ge=1, le=500, description="Database connections "
                           "each process keeps (PostgreSQL)")
    max_overflow: int = Field(default=20, ge=0, le=500, description="Extra connections "
                              "opened under load")


class StorageSettings(Area):
    """The blob store: a folder or an S3 bucket, and how to reach S3."""

    ENV_PREFIX = "s3_"
    ENV_NAMES = {"url": "storage_url", "segment_bytes": "blob_segment_bytes"}

    url: str | None = Field(
        default=None, description="file:///path or s3://bucket[/prefix]; default: data/blobs"
    )
    segment_bytes: int = Field(
        default=1 << 20, ge=4096, le=1 << 26, description="Blobs are sealed in segments of "
        "this many bytes: a download is opened as it arrives, and a byte range fetches only "
        "the segments that hold it")
    endpoint: str | None = None
    access_key: str | None = None
    secret_key: SecretStr | None = None
    region: str | None = None
    secure: bool = True


class KeySettings(Area):
    """Keys of encryption at rest, the search index, presigned URLs and tokens (docs/security.md).

    Unset, each is made once in the data dir by `Settings.prepare` (DEV: it then sits
    next to the data it protects)."""


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
    url_secret: SecretStr | None = Field(
        default=None, description="HMAC key for local presigned URLs; default: made once per data dir"
    )
    token_secret: SecretStr | None = Field(
        default=None, description="HMAC key that signs access tokens (at least 32 bytes); "
        "default: made once per data dir",
    )
    data_key_cache_seconds: float = Field(
        default=300.0, ge=0, description="How long a process keeps an unwrapped data key")

    @field_validator("kek", "kek_old")
    @classmethod
    def _keks(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keks(value.get_secret_value())
        return value



class LoginSettings(Area):
    """Accounts and logging in: tokens, passwords and the limits on failed logins."""

    ENV_PREFIX = "login_"
    ENV_PLAIN = ("token_minutes", "password_min_length")

    token_minutes: int = Field(default=60, ge=1, le=24 * 60,
                               description="How long an access token is valid")
    password_min_length: int = Field(default=10, ge=8)
    max_failures: int = Field(
        default=5, ge=1, description="Failed logins per username before a pause")
    max_client_failures: int = Field(
        default=50, ge=1, description="Failed logins per client address before a pause")
    window_seconds: int = Field(
        default=900, ge=1, description="The pause, and the window failures are counted in")


class OidcSettings(Area):
    """Login through an identity provider (OIDC, VNeID-style): off until an issuer is set."""

    ENV_PREFIX = "oidc_"

    issuer: str | None = Field(
        default=None, description="The provider's issuer URL; its /.well-known/"
        "openid-configuration is read at the first login")
    client_id: str | None = Field(default=None, description="This service's client ID")
    client_secret: SecretStr | None = Field(
        default=None, description="This service's client secret at the provider")
    redirect_url: str | None = Field(
        default=None, description="The callback URL registered at the provider; default: "
        "PUBLIC_URL + /api/v1/auth/oidc/callback")
    scopes: str = Field(default="openid profile", description="Scopes asked for")
    owner_claim: str | None = Field(
        default=None, description="ID-token claim with the personal ID or tax code: when "
        "set, a citizen or organisation account is made at first login; otherwise an "
        "administrator links each account")
    acr_values: str = Field(
        default="", description="Assurance levels accepted, space-separated (asked for and "
        "checked in the ID token); empty: any")
    timeout_seconds: float = Field(default=10.0, gt=0, le=120,
                                   description="Timeout of each call to the provider")

    @model_validator(mode="after")
    def _complete(self) -> OidcSettings:
        if self.issuer and (not self.client_id or self.client_secret is None):
            raise ValueError("SOHOA_OIDC_ISSUER cần SOHOA_OIDC_CLIENT_ID và "
                             "SOHOA_OIDC_CLIENT_SECRET (an issuer needs the client ID and secret)")
        return self

    def config(self, public_url: str) -> OidcConfig | None:
        """The identity provider's settings, or None when OIDC login is off."""
        from accounts.oidc import OidcConfig

        if not self.issuer or not self.client_id or self.client_secret is None:
            return None
        redirect = self.redirect_url or f"{public_url.rstrip('/')}/api/v1/auth/oidc/callback"
        return OidcConfig(issuer=self.issuer, client_id=self.client_id,
                          client_secret=self.client_secret.get_secret_value(),
                          redirect_url=redirect, scopes=self.scopes,
                          owner_claim=self.owner_claim, acr_values=tuple(self.acr_values.split()),
                          timeout=self.timeout_seconds)



class SharingSettings(Area):
    """Reuse with consent: how long an agency may read what a citizen shares or a dossier references."""

    ENV_PREFIX = "grant_"
    ENV_NAMES = {"reuse_days": "reuse_grant_days"}

    default_days: int = Field(default=30, ge=1, description="How long an agency may read "
                              "documents a citizen shares, unless they choose")
    max_days: int = Field(default=365, ge=1, description="The longest sharing allowed")
    reuse_days: int = Field(
        default=90, ge=1, le=3650, description="How long the receiving agency may read the "
        "vault documents a dossier references (reuse by default)")


class WebSettings(Area):
    """The web UI's page previews."""

    ENV_PREFIX = "web_"

    preview_pages: int = Field(
        default=30, ge=1, le=500, description="Pages drawn on a document screen; the rest "
        "are downloaded")
    preview_dpi: int = Field(default=96, ge=36, le=300,
                             description="Resolution of the page images on screens")


class SyncSettings(Area):
    """A counter node: it files here and sends each filed document on to the centre."""

    ENV_PREFIX = "sync_"
    ENV_PLAIN = ("central_url", "central_username", "central_password")

    central_url: str | None = Field(
        default=None, description="https://… of the central sohoa this counter node sends "
        "its documents to; unset: not a node")
    central_username: str | None = Field(
        default=None, max_length=120, description="The node's staff account at the centre")
    central_password: SecretStr | None = Field(
        default=None, description="Its password (from the environment, never the repo)")
    interval_seconds: float = Field(
        default=30.0, gt=0, description="How often a node looks for documents to send")
    retry_max_seconds: float = Field(
        default=300.0, gt=0, description="Longest wait between tries while the centre is "
        "unreachable (the wait doubles from the interval)")
    timeout_seconds: float = Field(
        default=120.0, gt=0, description="Time limit of one document's upload to the centre")


class JobSettings(Area):
    """Jobs: where they run, their leases and retries; the start-up fsck."""

    ENV_PREFIX = "job_"
    ENV_PLAIN = ("celery_broker_url", "fsck_on_start", "fsck_grace_seconds")

    backend: Literal["threads", "celery"] = Field(
        default="threads", description="Where jobs run: threads of the serving process "
        "(embedded default) or Celery workers (`sohoa worker`, on any machine)")
    workers: int = Field(default=2, ge=1, description="Job threads of a serving process "
                         "(threads backend)")
    celery_broker_url: str | None = Field(
        default=None, description="redis://… the Celery broker; default: REDIS_URL")
    lease_seconds: float = Field(
        default=60.0, gt=0, description="A worker renews its claim on a running job; a job "
        "not renewed for this long is run again elsewhere")
    queued_lease_seconds: float = Field(
        default=600.0, gt=0, description="A job waiting in the broker longer than this is "
        "dispatched again, and Redis hands an unacknowledged message to another worker "
        "after it (Celery backend): the longest a job delivered to a worker that was killed "
        "before it started waits; a second delivery is harmless")
    reap_seconds: float = Field(
        default=20.0, ge=0, description="How often each process looks for abandoned jobs "
        "(0: only at start-up)")
    max_attempts: int = Field(
        default=6, ge=1, description="Runs of a job before a passing fault (storage, "
        "database, TSA) fails it")
    retry_seconds: float = Field(
        default=5.0, gt=0, description="First wait before a retry; doubles each time")
    retry_max_seconds: float = Field(default=300.0, gt=0,
                                     description="Longest wait between retries")
    fsck_on_start: bool = Field(
        default=True, description="Run a quick fsck when the service starts (orphans "
        "quarantined, abandoned jobs resumed, damage logged)")
    fsck_grace_seconds: float = Field(
        default=3600.0, ge=0, description="fsck leaves blobs younger than this alone: their "
        "row may still be on its way")

    @property
    def policy(self) -> JobPolicy:
        from datetime import timedelta

        from ..jobs import JobPolicy

        return JobPolicy(
            lease=timedelta(seconds=self.lease_seconds),
            queued_lease=timedelta(seconds=self.queued_lease_seconds),
            max_attempts=self.max_attempts, first_delay=timedelta(seconds=self.retry_seconds),
            max_delay=timedelta(seconds=self.retry_max_seconds))


def parse_keks(specs: str) -> dict[str, bytes]:
    """Key-encryption keys from ``ID:BASE64,…`` (32 bytes each), by id; a malformed one is
    refused naming its id, never its bytes."""
    keys: dict[str, bytes] = {}
    for spec in specs.split(","):
        kek_id, sep, encoded = spec.strip().partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            key = b""
        if not sep or not kek_id or len(key) != 32:
            raise ValueError(f"'{kek_id or '?'}:…' phải là ID:BASE64 của 32 byte ngẫu nhiên "
                             "(must be ID:BASE64 of 32 random bytes)")
        keys[kek_id] = key
    return keys
