"""The counter's digitisation use case: validate, OCR, sign, file into the owner's vault.

``prepare`` does every check that can refuse the request (owner ID, dossier,
each file) before any work starts, so a refusal stores nothing. ``run`` then
does the slow part with progress, and is what a job worker executes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

from digitize import DigitisedScan, Progress, ScanFile, digitise, validate
from signing import operator_request, sign_top_left
from vault import DocumentRecord, FileRole, NewFile, OwnerId, parse_owner_id

from . import record as records
from .services import Services


@dataclass(frozen=True)
class PreparedBatch:
    """A request that passed every check: one group of files per document to make."""

    owner: OwnerId
    groups: tuple[tuple[ScanFile, ...], ...]
    dossier: str | None
    operator: str
    title: str | None
    scanned_at: datetime

    @property
    def pages(self) -> int:
        return sum(scan.page_count for group in self.groups for scan in group)


def prepare(
    services: Services,
    files: list[tuple[str, bytes]],
    *,
    owner: str,
    dossier: str | None = None,
    operator: str | None = None,
    each: bool = False,
    title: str | None = None,
) -> PreparedBatch:
    """Refuse bad input with a named error; nothing is stored by this function."""
    owner_id = parse_owner_id(owner)
    if dossier:
        services.vault.check_dossier(dossier, owner_id)
    scans = validate(files, services.settings.intake_limits)
    groups = tuple((scan,) for scan in scans) if each else (tuple(scans),)
    name = (operator or services.settings.default_operator).strip()[:120]
    return PreparedBatch(owner_id, groups, dossier or None, name,
                         title.strip()[:500] if title else None, datetime.now(UTC))


def run(services: Services, batch: PreparedBatch, *, actor: str,
        progress: Progress | None = None) -> list[DocumentRecord]:
    """OCR, sign and file each group; progress counts pages across the whole batch."""
    total, done_before = batch.pages, 0
    done: list[DocumentRecord] = []
    for group in batch.groups:
        offset = done_before

        def scaled(done: int, _total: int, stage: str, offset: int = offset) -> None:
            if progress:
                progress(offset + done, total, stage)

        result = digitise(list(group), services.settings.ocr, scaled)
        signed = _sign(services, result.pdfa, batch)
        filed = services.vault.file_document(
            owner=batch.owner, title=batch.title or _title(group), page_count=result.page_count,
            operator=batch.operator, scanned_at=batch.scanned_at, files=_files(result, signed),
            actor=actor, dossier_code=batch.dossier,
            page_quality=[page.as_dict() for page in result.quality],
        )
        done.append(records.extract(services, filed, result.page_texts,
                                    [page.confidence for page in result.quality], actor=actor,
                                    doc_name=batch.title))
        done_before += result.page_count
        if progress:
            progress(done_before, total, "stored")
    return done


def _sign(services: Services, pdfa: bytes, batch: PreparedBatch) -> bytes:
    pki = services.pki
    request = operator_request(
        pki.operator(batch.operator), (pki.root.cert_path,), services.stamp_font(),
        batch.operator, batch.scanned_at,
    )
    return sign_top_left(pdfa, request)


def _files(result: DigitisedScan, signed: bytes) -> list[NewFile]:
    stem = PurePath(result.originals[0].name).stem or "scan"
    files = [
        NewFile(FileRole.ORIGINAL.value, scan.data, scan.format.value, scan.name, part=index)
        for index, scan in enumerate(result.originals, start=1)
    ]
    files.append(NewFile(FileRole.PDFA.value, result.pdfa, "application/pdf",
                         f"{stem}.pdfa.pdf", parent=(FileRole.ORIGINAL.value, 1)))
    files.append(NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                         f"{stem}.signed.pdf", parent=(FileRole.PDFA.value, 1)))
    files.append(NewFile(FileRole.TEXT.value, result.text.encode("utf-8"),
                         "text/plain; charset=utf-8", f"{stem}.txt",
                         parent=(FileRole.PDFA.value, 1)))
    return files


def _title(group: tuple[ScanFile, ...]) -> str:
    return PurePath(group[0].name).stem or "Tài liệu số hóa"
