"""PDFs that come from outside, parsed once in the sandbox before pyHanko reads them.

pyHanko parses in our own process; `digitize.inspect.inspect_pdf` has already
walked every object and inflated every stream under the sandbox's limits, so a
bomb or a broken file is refused with a named error first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from digitize import CorruptFile, EncryptedPdf, ScanFile, ScanFormat
from digitize.inspect import inspect_batch, inspect_pdf
from digitize.polyglot import refuse_polyglot
from kernel import DomainError
from signing import NotAPdf, TrustServices, VerificationReport, verify_pdf

from ..settings import Settings

if TYPE_CHECKING:
    from vault.models import Document


def checked_pdf_pages(data: bytes, settings: Settings, *, max_pages: int | None = None,
                      stored: bool = False) -> int:
    """The page count of a PDF that parsed within limits; `NotAPdf` if it is not one.
    A PDF to be ``stored`` (and served back) must also be nothing but a PDF
    (`digitize.polyglot`): `PolyglotFile` otherwise."""
    if stored:
        refuse_polyglot("tệp PDF", data, ScanFormat.PDF)
    limit = settings.intake.max_pages if max_pages is None else max_pages
    try:
        return inspect_pdf(data, limit, settings.sandbox_limits)
    except (CorruptFile, EncryptedPdf) as exc:
        raise NotAPdf(str(exc)) from None


class ResultNotArchivable(DomainError):
    """A result file the archive would refuse later: its signatures do not hold."""

    code = "result_not_archivable"
    http_status = 422


def checked_result_pdf(data: bytes, settings: Settings, trust: TrustServices) -> int:
    """The page count of a result file held, when it arrives, to what the archive will
    ask of it years later (issue 29, item 3): a PDF that parses, of version 1.4 or later
    (TT 13/2023), with no active content, and whose signatures, if it carries any,
    hold. Refused now with the reason, rather than filed and found unarchivable."""
    pages = checked_pdf_pages(data, settings, stored=True)
    (scan,) = inspect_batch([("tệp kết quả", data)], settings.intake.limits,
                            settings.sandbox_limits)
    if scan.signed:
        report = verify_pdf(data, trust)
        broken = [s.signer for s in report.signatures if not s.intact or not s.valid]
        if broken:
            raise ResultNotArchivable(
                f"chữ ký số trong tệp kết quả không còn nguyên vẹn hoặc không hợp lệ "
                f"({', '.join(broken)}); hãy lấy lại tệp gốc đã ký (a signature the file "
                "carries does not hold)")
    return pages


def verify_untrusted(data: bytes, settings: Settings, trust: TrustServices) -> VerificationReport:
    """`verify_pdf` of bytes from outside, after the sandbox has parsed them."""
    checked_pdf_pages(data, settings, max_pages=settings.intake.max_verify_pages)
    return verify_pdf(data, trust)


def input_signatures(scans: list[ScanFile], settings: Settings,
                     trust: TrustServices) -> list[dict[str, Any]]:
    """The validation report of every signature the received originals carry, per part
    (more and more papers arrive signed: VNeID, public CAs). A signature that does not
    hold is reported, not refused: the citizen's file is what it is, and the officer
    reads the report."""
    return [{"part": part, **verify_untrusted(scan.data, settings, trust).as_dict()}
            for part, scan in enumerate(scans, start=1) if scan.signed]


def recording_input_signatures(
        reports: list[dict[str, Any]]) -> Callable[[Session, Document], None] | None:
    """A ``finish`` for `Vault.file_document` that stores ``reports`` with the document."""
    if not reports:
        return None

    def finish(_session: Session, document: Document) -> None:
        document.input_signatures = reports

    return finish
