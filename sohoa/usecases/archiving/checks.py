"""The archive's PDF and signature checks, offline, here or in worker processes.

A signature check is pyHanko work of tens of milliseconds that holds the GIL, and
validating a package reads and hashes all of it again, so exporting many dossiers
runs both in a pool of processes while threads gather and write the next
dossiers (``Archives.export_many``). The workers are
spawned, not forked, because the service runs threads (the job pool) that a
fork would copy mid-lock; they get the trust roots and known CRLs as DER bytes
and nothing else: no keys, no database.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from archive import ValidationReport, validate_package
from archive.pdfcheck import PdfChecker, PdfItem, PdfVerdict, RememberingChecker, check_pdf
from signing import NotAPdf, TrustServices, verify_pdf


def signature_problems(pdf: bytes, trust: TrustServices) -> list[str] | None:
    """What is wrong with a PDF's signatures, checked with ``trust`` only (offline: no
    fetcher); an empty list when all hold, None when it carries none."""
    try:
        report = verify_pdf(pdf, trust)
    except NotAPdf as exc:
        return [str(exc)]
    if not report.signed:
        return None
    return [f"chữ ký {s.field} ({s.signer}): {s.summary}"
            for s in report.signatures if not s.bottom_line]


def offline(trust: TrustServices) -> TrustServices:
    """``trust`` without fetching: packages are checked with what they carry and the roots."""
    return dataclasses.replace(trust, fetcher=None)


@dataclass(frozen=True)
class OfflineTrust:
    """What a worker process needs to check signatures as the service would, as bytes."""

    roots: tuple[bytes, ...]
    crls: tuple[bytes, ...]

    @classmethod
    def of(cls, trust: TrustServices) -> OfflineTrust:
        return cls(tuple(c.public_bytes(Encoding.DER) for c in trust.trust_roots),
                   tuple(trust.known_crls()))

    def services(self) -> TrustServices:
        crls = self.crls
        return TrustServices(trust_roots=tuple(x509.load_der_x509_certificate(c)
                                               for c in self.roots),
                             known_crls=lambda: crls)


_worker_trust: TrustServices | None = None


def _start_worker(trust: OfflineTrust) -> None:
    global _worker_trust
    _worker_trust = trust.services()


def _check_in_worker(item: PdfItem) -> PdfVerdict:
    assert _worker_trust is not None, "worker not started"
    return check_pdf(item, partial(signature_problems, trust=_worker_trust))


def _validate_in_worker(root: Path, seen: dict[tuple[str, bool], PdfVerdict] | None = None
                        ) -> ValidationReport:
    assert _worker_trust is not None, "worker not started"
    checker = PdfChecker(partial(signature_problems, trust=_worker_trust))
    return validate_package(root, checker=RememberingChecker(checker, seen))


class PooledChecker(PdfChecker):
    """Checks PDFs in ``workers`` spawned processes; a batch is spread over all of them.
    Close it (or use it in a ``with``) to stop the workers."""

    def __init__(self, trust: TrustServices, workers: int) -> None:
        super().__init__(partial(signature_problems, trust=offline(trust)))
        self._pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker, initargs=(OfflineTrust.of(trust),))

    def check(self, items: Sequence[PdfItem]) -> list[PdfVerdict]:
        return list(self._pool.map(_check_in_worker, items))

    def validate(self, root: Path, remembering: RememberingChecker) -> ValidationReport:
        """Validate the package at ``root`` in a worker, reusing ``remembering``'s verdicts
        (the bag's checksums, the schemas and App. VI are checked there too)."""
        return self._pool.submit(_validate_in_worker, root, remembering.remembered).result()

    def validate_each(self, roots: Sequence[Path]) -> Iterator[ValidationReport]:
        """The packages at ``roots`` validated in the workers, a package each, nothing
        reused (a package from elsewhere), in order as they finish."""
        return self._pool.map(_validate_in_worker, roots)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> PooledChecker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
