"""The counter's digitisation use case: validate, OCR, sign, file into the owner's vault.

``prepare`` does every check that can refuse the request (owner ID, dossier,
each file) before any work starts, so a refusal stores nothing. ``run`` then
does the slow part with progress, and is what a job worker executes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from digitize import DigitisedScan, Progress, ScanFile, ScanFormat, digitise
from digitize.capture import (
    CaptureProblem,
    CaptureRejected,
    blocking,
    page_count_problem,
)
from digitize.idcard import CitizenCard
from digitize.inspect import capture_isolated, inspect_batch, split_isolated
from digitize.separators import SeparatorMismatch
from digitize.thumbnail import thumbnail
from kernel import OwnerId, OwnerKind, Viewer, parse_owner_id
from signing import operator_request, sign_pdf
from storage import sha256_hex
from vault import DocumentRecord, DocumentStatus, FileRole, NewFile

from ..metrics import PAGES
from . import record as records
from .needs import Digitising
from .untrusted import input_signatures, recording_input_signatures


@dataclass(frozen=True)
class PreparedGroup:
    """The files of one document to make, where it goes, and what the capture checks saw."""

    files: tuple[ScanFile, ...]
    dossier: str | None
    title: str | None
    problems: tuple[CaptureProblem, ...] = ()
    #: Căn cước cards read from their QR, as (page number, card).
    cards: tuple[tuple[int, CitizenCard], ...] = ()
    #: The dossier component (thành phần hồ sơ) the pages are, from the form or the sheet.
    component: str | None = None

    @property
    def pages(self) -> int:
        return sum(scan.page_count for scan in self.files)


@dataclass(frozen=True)
class PreparedBatch:
    """A request that passed every check: one group of files per document to make."""

    owner: OwnerId
    groups: tuple[PreparedGroup, ...]
    operator: str
    scanned_at: datetime
    #: The agency whose counter digitises the paper: its staff keep the record.
    agency: str
    #: Who asked: the components are attached to the dossier in their name.
    viewer: Viewer
    #: The officer's written reason for scanning components the vault already holds.
    reuse_reason: str | None = None
    #: Documents of the batch left out for a blocking capture problem (each group's
    #: problems): the others go on, these are scanned again.
    refused: tuple[CaptureProblem, ...] = ()

    @property
    def pages(self) -> int:
        return sum(group.pages for group in self.groups)


def prepare(
    services: Digitising,
    files: list[tuple[str, bytes]],
    *,
    owner: str,
    owner_kind: OwnerKind | None = None,
    dossier: str | None = None,
    operator: str | None = None,
    each: bool = False,
    title: str | None = None,
    split: bool = False,
    declared_pages: int | None = None,
    force: bool = False,
    component: str | None = None,
    reuse_reason: str | None = None,
    viewer: Viewer,
) -> PreparedBatch:
    """Refuse bad input with a named error; nothing is stored by this function.

    ``split`` cuts the batch at separator sheets (one document per component);
    ``declared_pages`` is the count of paper pages the officer counted;
    ``force`` files a scan whose blocking capture problems the officer accepts;
    ``component`` names the dossier component scanned (separator sheets name their own):
    when the owner's vault already satisfies it, ``reuse_reason`` must say why the
    citizen is asked for the paper again (REGULATIONS 9.C.23, 56).
    """
    owner_id = parse_owner_id(owner, owner_kind)
    dossier = dossier or None
    if dossier:
        services.vault.intake.check_dossier(dossier, owner_id, viewer=viewer)
    # Every look inside the files happens in the parsing sandbox (digitize.inspect).
    settings = services.settings
    scans = inspect_batch(files, settings.intake.limits, settings.sandbox_limits)
    title = title.strip()[:500] if title else None
    if not title and component and dossier and not split:
        # An untitled scan is named after the component it is, not the scanner's file.
        title = next((c.name for c in services.vault.casework.dossier(
            dossier, viewer=viewer).components if c.code == component), None)
    if split:
        groups = _split(services, scans, owner_id, dossier, title, viewer)
    elif each:
        groups = [PreparedGroup((scan,), dossier, title) for scan in scans]
    else:
        groups = [PreparedGroup(tuple(scans), dossier, title)]
    if component and not split:
        if not dossier:
            raise SeparatorMismatch("thành phần hồ sơ chỉ ghi được khi quét vào một hồ sơ "
                                    "(a component needs a dossier)")
        groups = [replace(group, component=component) for group in groups]
    for group in groups:
        if group.dossier and group.component:
            services.vault.intake.check_upload(
                group.dossier, group.component, reuse_reason, viewer=viewer,
                sha256s=frozenset(sha256_hex(scan.data) for scan in group.files))
    groups, refused = _check_capture(services, groups, owner_id, declared_pages, force)
    name = (operator or settings.records.default_operator).strip()[:120]
    # The officer's own key must be ready (their PIN held) before the files are accepted:
    # the signature is made later, in the job.
    services.operator_key(name, viewer.username)
    agency = viewer.agency or settings.agency.code
    return PreparedBatch(owner_id, tuple(groups), name, datetime.now(UTC), agency, viewer,
                         reuse_reason, refused)


def _split(services: Digitising, scans: list[ScanFile], owner: OwnerId, dossier: str | None,
           title: str | None, viewer: Viewer) -> list[PreparedGroup]:
    """One group per separator sheet; each sheet's dossier must be this owner's."""
    groups = []
    for part, files in split_isolated(scans, services.settings.sandbox_limits):
        sheet = part.separator
        if sheet is not None and dossier and sheet.dossier != dossier:
            raise SeparatorMismatch(
                f"tờ phân tách ghi hồ sơ {sheet.dossier}, không phải hồ sơ {dossier} đang quét "
                f"(a separator sheet names another dossier)")
        if sheet is not None and not dossier:
            services.vault.intake.check_dossier(sheet.dossier, owner, viewer=viewer)
        name = (sheet.label or sheet.component) if sheet else title
        groups.append(PreparedGroup(tuple(files),
                                    sheet.dossier if sheet else dossier, name,
                                    component=sheet.component if sheet else None))
    if not groups:
        raise SeparatorMismatch("lô quét chỉ có tờ phân tách, không có trang nội dung nào "
                                "(the batch holds separator sheets only)")
    return groups


def _check_capture(services: Digitising, groups: list[PreparedGroup], owner: OwnerId,
                   declared: int | None, force: bool
                   ) -> tuple[list[PreparedGroup], tuple[CaptureProblem, ...]]:
    """Capture checks per document: the documents to make, and the blocking problems of
    those left out.

    A blocking problem refuses its own document, not the batch: when a stack of
    papers becomes several documents (one per file, or per separator sheet), the
    others go on and the response names what to scan again. When every document
    is refused, or the whole stack's count differs from the declared one (which no
    single document owns), the request is refused. ``force`` files everything as
    it is. A căn cước card in the scan is read here, while the citizen is at the
    desk, and its ID is checked against the dossier owner's.
    """
    limits, sandbox = services.settings.capture_limits, services.settings.sandbox_limits
    checked, refused = [], []
    for group in groups:
        report = capture_isolated(list(group.files), limits, owner.value, sandbox)
        group = replace(group, problems=tuple(report.problems), cards=tuple(report.cards))
        if blocking(report.problems) and not force:
            refused.extend(_naming_file(group, report.problems))
        else:
            checked.append(group)
    total = sum(group.pages for group in groups)
    whole = [page_count_problem(total, declared)] if declared is not None and \
        total != declared else []
    if (whole and not force) or not checked:
        raise CaptureRejected(whole + refused)
    return checked, tuple(refused)


def _naming_file(group: PreparedGroup, problems: list[CaptureProblem]) -> list[CaptureProblem]:
    """A document's blocking problems, each saying which file it was, for the officer."""
    names = ", ".join(scan.name for scan in group.files)
    return [replace(p, message=f"{names}: {p.message}") for p in blocking(problems)]


def run(services: Digitising, batch: PreparedBatch, *, actor: str,
        progress: Progress | None = None, intake_key: str | None = None) -> list[DocumentRecord]:
    """OCR, sign and file each group; progress counts pages across the whole batch.

    With ``intake_key`` (the job's id) each group is filed under ``key:index``, so a
    rerun after a crash or a passing fault picks up the groups already filed instead
    of filing them twice, and goes on with the rest.
    """
    total, done_before = batch.pages, 0
    done: list[DocumentRecord] = []
    for index, group in enumerate(batch.groups):
        offset = done_before

        def scaled(done: int, _total: int, stage: str, offset: int = offset) -> None:
            if progress:
                progress(offset + done, total, stage)

        key = f"{intake_key}:{index}" if intake_key else None
        earlier = services.vault.filing.filed_under(key) if key else None
        if earlier is None and not batch.reuse_reason:
            # Spares the OCR of a scan filed since it was accepted; filing checks again.
            earlier = _same_scan_filed(services, group, batch)
        if earlier is not None:
            done.append(_finish_filed(services, earlier, group, batch, actor=actor))
            done_before += earlier.page_count
            continue
        reports = input_signatures(list(group.files), services.settings, services.trust)
        result = digitise(list(group.files), services.settings.ocr, scaled)
        signed = _sign(services, result.pdfa, batch)
        keep = services.settings.intake.keep_scanner_file
        files = _files(result, signed, keep_scans=keep)
        services.archives.record_verdicts(files)
        filed = services.vault.filing.file_document(
            scan_sha256s=frozenset(sha256_hex(scan.data) for scan in group.files
                                   if not _kept(scan, keep)),
            thumbnail=thumbnail(result.pdfa),
            owner=batch.owner, title=group.title or _title(group.files),
            page_count=result.page_count, operator=batch.operator,
            scanned_at=batch.scanned_at, files=files, actor=actor,
            dossier_code=group.dossier, agency_code=batch.agency,
            page_quality=_with_capture_warnings(result, group.problems), intake_key=key,
            finish=recording_input_signatures(reports), once_in_dossier=not batch.reuse_reason,
        )
        if group.dossier and group.component:
            services.vault.intake.attach(group.dossier, group.component, filed.id,
                                  viewer=batch.viewer, reason=batch.reuse_reason)
        # The same scan filed meanwhile by another job is that job's to take further.
        if filed.status == DocumentStatus.SCANNED and filed.intake_key in (key, None):
            filed = records.extract(services, filed, result.page_texts,
                                    [page.confidence for page in result.quality], actor=actor,
                                    doc_name=group.title, cards=group.cards)
        done.append(filed)
        done_before += result.page_count
        PAGES.inc(result.page_count)
        if progress:
            progress(done_before, total, "stored")
    return done


def _same_scan_filed(services: Digitising, group: PreparedGroup,
                     batch: PreparedBatch) -> DocumentRecord | None:
    """The document a scan of the same bytes was filed as for this component since the
    batch was accepted (the same scan sent twice, both accepted before either was filed):
    the group is answered with it instead of being filed again."""
    if not group.dossier or not group.component:
        return None
    filed = services.vault.intake.filed_scan(
        group.dossier, group.component, frozenset(sha256_hex(scan.data) for scan in group.files),
        viewer=batch.viewer)
    return services.vault.documents.get_document(filed, viewer=Viewer.system(
        "system:intake")) if filed else None


def _finish_filed(services: Digitising, filed: DocumentRecord, group: PreparedGroup,
                  batch: PreparedBatch, *, actor: str) -> DocumentRecord:
    """The steps after filing, for a document an interrupted run filed: attaching is
    idempotent, and fields are read from the stored text if that had not happened."""
    if group.dossier and group.component:
        services.vault.intake.attach(group.dossier, group.component, filed.id,
                              viewer=batch.viewer, reason=batch.reuse_reason)
    if filed.status != DocumentStatus.SCANNED:
        return filed
    text = services.vault.documents.read_file(filed.id, FileRole.TEXT.value,
                                    viewer=Viewer.system(actor), purpose="resume digitisation")
    confidences = [page.get("confidence") for page in filed.page_quality]
    return records.extract(services, filed, text.data.decode("utf-8").split("\f"), confidences,
                           actor=actor, doc_name=group.title, cards=group.cards)


def _with_capture_warnings(result: DigitisedScan,
                           problems: tuple[CaptureProblem, ...]) -> list[dict[str, Any]]:
    """The OCR quality report per page, with the capture checks' findings added as warnings."""
    pages = [page.as_dict() for page in result.quality]
    for problem in problems:
        if problem.page is not None and 0 < problem.page <= len(pages):
            pages[problem.page - 1].setdefault("warnings", []).append(
                {"code": problem.code.value, "message": problem.message})
    return pages


def _sign(services: Digitising, pdfa: bytes, batch: PreparedBatch) -> bytes:
    request = operator_request(services.operator_key(batch.operator, batch.viewer.username),
                               services.stamp_font(),
                               batch.operator, batch.scanned_at,
                               services.settings.signing.operator_signature_level)
    return sign_pdf(pdfa, request, services.trust)


def _kept(scan: ScanFile, keep_scans: bool) -> bool:
    """Whether a file is kept beside the signed PDF/A: a scanner's own file only when
    scans are to be kept (``SOHOA_KEEP_SCANNER_FILE``; of the others only the SHA-256 is),
    electronic originals (signed, or with text of their own) always."""
    return keep_scans or not scan.scanner_file


def _files(result: DigitisedScan, signed: bytes, *, keep_scans: bool) -> list[NewFile]:
    """The document's files: the signed PDF/A, its text, and the originals ``_kept``."""
    originals = [Original(scan.name, scan.format.value, scan.data)
                 for scan in result.originals if _kept(scan, keep_scans)]
    return document_files(originals, result.pdfa, signed, result.text)


@dataclass(frozen=True)
class Original:
    """A scan as the officer fed it: file name, media type, bytes."""

    name: str
    media_type: str
    data: bytes


def document_files(originals: list[Original], pdfa: bytes, signed: bytes,
                   text: str) -> list[NewFile]:
    """The files of a document. The signed PDF is stored whole; the PDF/A is its first
    revision (pyHanko signs by incremental update) and a JPEG scan kept as it was sits
    unchanged inside it, so those are recorded as byte ranges of it instead of second
    copies; ``originals`` is empty when the scanner's files are not kept. A counter
    node's documents are filed at the centre through here too (``sohoa.usecases.sync``)."""
    signed_ref = (FileRole.SIGNED.value, 1)
    files = [NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                     parent=(FileRole.PDFA.value, 1))]
    files.append(NewFile(FileRole.PDFA.value, pdfa, "application/pdf",
                         parent=(FileRole.ORIGINAL.value, 1) if originals else None,
                         within=(signed_ref, 0) if signed.startswith(pdfa) else None))
    for index, scan in enumerate(originals, start=1):
        offset = signed.find(scan.data) if scan.media_type == ScanFormat.JPEG.value else -1
        files.append(NewFile(FileRole.ORIGINAL.value, scan.data, scan.media_type,
                             part=index, within=(signed_ref, offset) if offset >= 0 else None))
    files.append(NewFile(FileRole.TEXT.value, text.encode("utf-8"),
                         "text/plain; charset=utf-8",
                         parent=(FileRole.PDFA.value, 1)))
    # Rows are written sources first, so each parent exists before the files made from it.
    order = {FileRole.ORIGINAL.value: 0, FileRole.PDFA.value: 1, FileRole.SIGNED.value: 2}
    return sorted(files, key=lambda f: (order.get(f.role, 3), f.part))


def _title(group: tuple[ScanFile, ...]) -> str:
    return PurePath(group[0].name).stem or "Tài liệu số hóa"
