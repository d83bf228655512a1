"""The centre's side of a counter node's sync: check a bundle, file it exactly once.

A node's account is a staff account of the agency the node's counter belongs to;
its documents are filed under the intake key ``node:<account id>:<document id
on the node>``, so a bundle sent again — the answer lost when the link dropped —
returns the document filed the first time, and one node cannot claim another's
keys. Nothing the node says is taken on trust that can be checked: every scan
goes through intake again in the sandbox, the signed PDF is parsed in the sandbox
and its operator signature must verify against the centre's trust roots, and it
must be a signature over exactly the PDF/A that came with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from digitize.inspect import inspect_batch
from kernel import Viewer, parse_owner_id
from signing import NotAPdf
from vault import DocumentRecord, DocumentStatus

from ...errors import BundleError, SignatureRefused
from .. import record as records
from ..counter import Original, document_files
from ..needs import Receiving
from ..untrusted import (
    checked_pdf_pages,
    input_signatures,
    recording_input_signatures,
    verify_untrusted,
)
from .bundle import Bundle


@dataclass(frozen=True)
class Received:
    document: DocumentRecord
    #: False when the centre had filed this bundle before (a resend).
    created: bool


def intake_key(node_account_id: str, local_id: str) -> str:
    return f"node:{node_account_id}:{local_id}"


def receive(services: Receiving, bundle: Bundle, *, account_id: str, viewer: Viewer) -> Received:
    """File a node's document in its owner's vault, or return the one filed before."""
    key = intake_key(account_id, bundle.local_id)
    if (earlier := services.vault.filing.filed_under(key)) is not None:
        return Received(earlier, created=False)
    owner = parse_owner_id(bundle.owner)
    settings = services.settings
    scans = inspect_batch([(o.name, o.data) for o in bundle.originals],
                          settings.intake.limits, settings.sandbox_limits) if bundle.originals else []
    _check_signed(services, bundle)
    # The media types are what intake found in the bytes, not what the node said.
    originals = [Original(scan.name, scan.format.value, scan.data) for scan in scans]
    filed = services.vault.filing.file_document(
        owner=owner, title=bundle.title, page_count=bundle.page_count,
        operator=bundle.operator, scanned_at=bundle.scanned_at,
        files=document_files(originals, bundle.pdfa, bundle.signed, bundle.text),
        actor=viewer.actor, agency_code=viewer.agency or settings.agency.code,
        page_quality=bundle.page_quality, intake_key=key,
        finish=recording_input_signatures(input_signatures(scans, settings, services.trust)))
    if filed.status == DocumentStatus.SCANNED:
        confidences = [page.get("confidence") for page in bundle.page_quality]
        filed = records.extract(services, filed, bundle.text.split("\f"), confidences,
                                actor=viewer.actor)
    return Received(filed, created=True)


def _check_signed(services: Receiving, bundle: Bundle) -> None:
    """The signed PDF is the node's PDF/A with the operator's signature over all of it."""
    # pyHanko signs by incremental update: the PDF/A is a whole revision (up to its
    # %%EOF) at the start of the signed file.
    whole = bundle.pdfa.rstrip(b"\r\n ").endswith(b"%%EOF")
    if not (whole and bundle.signed.startswith(bundle.pdfa)):
        raise BundleError("bản ký số không phải bản PDF/A gửi kèm cộng chữ ký (the signed "
                          "PDF is not the PDF/A sent with it plus a signature)")
    try:
        pages = checked_pdf_pages(bundle.pdfa, services.settings)
        report = verify_untrusted(bundle.signed, services.settings, services.trust)
    except NotAPdf as exc:
        raise BundleError(str(exc)) from None
    if pages != bundle.page_count:
        raise BundleError(f"bản kê ghi {bundle.page_count} trang, tệp PDF/A có {pages} "
                          f"(the manifest says {bundle.page_count} pages, the PDF/A has {pages})")
    if not report.valid:
        problems = "; ".join(s.summary for s in report.signatures) or "không có chữ ký"
        raise SignatureRefused(f"chữ ký số của cán bộ không hợp lệ tại trung tâm (the "
                               f"operator signature does not verify at the centre): {problems}")
