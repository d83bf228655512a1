"""OCSP responses and CRLs fetched over HTTP and kept on disk for a while.

A counter signs dozens of documents an hour with the same few certificates;
asking the CA's OCSP responder and downloading its CRL for every signature
would be slow and would fail the counter whenever the CA's server is down.
Responses are therefore cached by what they answer for (a CRL by its URL, an
OCSP response by certificate and issuer) and reused while they are both still
current — before their ``nextUpdate`` — and younger than a configured age.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from asn1crypto import crl, ocsp, pem
from pyhanko_certvalidator import errors
from pyhanko_certvalidator.fetchers.api import FetcherBackend, Fetchers
from pyhanko_certvalidator.fetchers.common_utils import FetchKind
from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import (
    RequestsCertificateFetcher,
)
from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import RequestsOCSPFetcher
from pyhanko_certvalidator.util import issuer_serial


@dataclass(frozen=True)
class RevocationCache:
    """A folder of DER files; a file's age is its modification time."""

    folder: Path
    max_age_seconds: float

    def load(self, kind: str, key: str) -> bytes | None:
        path = self._path(kind, key)
        try:
            if time.time() - path.stat().st_mtime > self.max_age_seconds:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def store(self, kind: str, key: str, data: bytes) -> None:
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / (hashlib.sha256(key.encode()).hexdigest() + ".der")


def _current(next_update: datetime | None) -> bool:
    return next_update is None or next_update > datetime.now(UTC)


class _CachingCRLFetcher(RequestsCRLFetcher):
    def __init__(self, cache: RevocationCache, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self._cache = cache

    async def _fetch_single(self, url: str) -> crl.CertificateList:
        async def task() -> crl.CertificateList:
            cached = self._cache.load("crl", url)
            if cached is not None:
                known = crl.CertificateList.load(cached)
                if _current(known["tbs_cert_list"]["next_update"].native):
                    return known
            self._charge(FetchKind.CRL)
            try:
                response = await self._get(url, acceptable_content_types=("application/pkix-crl",))
                data = response.content
                if pem.detect(data):
                    _, _, data = pem.unarmor(data)
                fetched = crl.CertificateList.load(data)
                fetched.native  # parse now: a damaged list must fail here, not later  # noqa: B018
            except (ValueError, requests.RequestException) as exc:
                raise errors.CRLFetchError(f"Failure to fetch CRL from URL {url}") from exc
            self._cache.store("crl", url, fetched.dump())
            return fetched

        result: crl.CertificateList = await self._perform_fetch(  # type: ignore[no-untyped-call]
            url, task)
        return result


class _CachingOCSPFetcher(RequestsOCSPFetcher):
    def __init__(self, cache: RevocationCache, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache = cache

    async def _fetch(self, cert: Any, authority: Any) -> ocsp.OCSPResponse:
        key = repr((issuer_serial(cert), authority.hashable))
        cached = self._cache.load("ocsp", key)
        if cached is not None:
            known = ocsp.OCSPResponse.load(cached)
            single = known.basic_ocsp_response["tbs_response_data"]["responses"][0]
            if _current(single["next_update"].native):
                return known
        fetched: ocsp.OCSPResponse = await super()._fetch(cert, authority)
        self._cache.store("ocsp", key, fetched.dump())
        return fetched


class CachingFetcherBackend(FetcherBackend):
    """pyhanko-certvalidator's ``requests`` fetchers, with OCSP and CRL answers cached."""

    def __init__(self, cache: RevocationCache, timeout_seconds: float = 10) -> None:
        self.cache = cache
        self.timeout_seconds = timeout_seconds

    def get_fetchers(self) -> Fetchers:
        timeout = self.timeout_seconds
        return Fetchers(
            ocsp_fetcher=_CachingOCSPFetcher(self.cache, per_request_timeout=timeout),
            crl_fetcher=_CachingCRLFetcher(self.cache, per_request_timeout=timeout),
            cert_fetcher=RequestsCertificateFetcher(per_request_timeout=timeout),
        )

    async def close(self) -> None:
        return None
