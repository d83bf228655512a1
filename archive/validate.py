"""Check a package before an archive accepts it, with nothing fetched from the network.

Six checks, each reported on its own so an archivist sees everything wrong at once:

1. ``bag``: BagIt completeness and every SHA-256 (the ``bagit`` library);
2. ``mets``: ``METS.xml`` against the METS 1.12.1 schema, and every file it lists
   present in the bag with the same size and checksum (and none unlisted);
3. ``premis``: ``premis.xml`` against the PREMIS 3.0 schema;
4. ``appendix6``: the App. VI metadata present, within its lengths, and its totals
   agreeing with the documents (REGULATIONS 9.D.31–32);
5. ``pdf``: the checks of ``qpdf --check`` through libqpdf (pikepdf) — the file opens
   without repair, every stream decodes (JPEG data excepted: its bytes are covered by
   the checksums), every page's content stream parses — and version ≥ 1.4 on every
   PDF (9.D.28), a PDF/A claim on every PDF/A the digitisation made;
6. ``signatures``: every signed PDF's signatures valid, by a checker the caller
   supplies (``sohoa`` passes pyHanko with the configured trust roots, offline).

Checks 5 and 6 go through a ``pdfcheck.PdfChecker``, which the caller may run
elsewhere (in worker processes) or share with the export that wrote the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from lxml import etree

from . import appendix6, mets
from .pdfcheck import PdfChecker, PdfItem, SignatureCheck
from .schemas import parser, schema

#: Roles whose files must carry a valid signature (the operator's, the agency's).
SIGNED_ROLES = frozenset({"signed", "certified"})
#: Roles made by digitisation as PDF/A; born-electronic files need only PDF ≥ 1.4 (9.D.28).
PDFA_ROLES = frozenset({"pdfa"})
CHECKS = ("bag", "mets", "premis", "appendix6", "pdf", "signatures")


@dataclass
class Check:
    name: str
    problems: list[str] = field(default_factory=list)
    #: How many items the check looked at (files, fields, signatures).
    checked: int = 0
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "checked": self.checked,
                "problems": self.problems, "skipped": self.skipped}


@dataclass
class ValidationReport:
    package: str
    checks: list[Check]

    @property
    def valid(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {"package": self.package, "valid": self.valid,
                "checks": [c.as_dict() for c in self.checks]}

    def lines_vi(self) -> list[str]:
        """The report a person reads: one line per check, then each problem."""
        names = {"bag": "BagIt (đủ tệp, mã băm)", "mets": "METS", "premis": "PREMIS",
                 "appendix6": "Dữ liệu đặc tả Phụ lục VI", "pdf": "Cấu trúc PDF, PDF/A",
                 "signatures": "Chữ ký số"}
        lines = [f"Gói {self.package}: " + ("HỢP LỆ" if self.valid else "KHÔNG HỢP LỆ")]
        for c in self.checks:
            state = "bỏ qua: " + c.skipped if c.skipped else ("đạt" if c.ok else "KHÔNG ĐẠT")
            lines.append(f"  [{'✓' if c.ok else '✗'}] {names[c.name]} ({c.checked}): {state}")
            lines += [f"      - {p}" for p in c.problems]
        return lines


def validate_package(root: Path, *, signatures: SignatureCheck | None = None,
                     checker: PdfChecker | None = None) -> ValidationReport:
    """Every check of the package at ``root``; signatures by ``signatures``, or the PDFs
    (signatures included) by ``checker`` when given."""
    report = ValidationReport(root.name, [Check(name) for name in CHECKS])
    entries = _bag(root, report.check("bag"))
    listed = _mets(root, entries, report.check("mets"))
    _premis(root, report.check("premis"))
    _appendix6(root, report.check("appendix6"))
    _pdfs(root, listed, report.check("pdf"), report.check("signatures"),
          checker or PdfChecker(signatures))
    return report


def _bag(root: Path, check: Check) -> dict[str, str]:
    """Validate the bag; return its manifest (payload path → SHA-256) for the other checks."""
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        check.problems.append(f"không phải túi BagIt (not a BagIt bag): {exc}")
        return {}
    entries = {path: hashes.get("sha256", "") for path, hashes in bag.entries.items()
               if path.startswith("data/")}
    check.checked = len(entries)
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        details = getattr(exc, "details", None) or []
        check.problems += [_bag_problem(d) for d in details] or [str(exc)]
        if not details:
            # Payload-Oxum fails first and names no file; an archivist needs the names.
            missing, extra = bag.compare_manifests_with_fs()
            check.problems += [f"{p}: thiếu tệp (file missing)" for p in sorted(missing)]
            check.problems += [f"{p}: tệp thừa không có trong manifest (unexpected file)"
                               for p in sorted(extra)]
    except bagit.BagError as exc:
        check.problems.append(str(exc))
    return entries


def _bag_problem(detail: object) -> str:
    if isinstance(detail, bagit.ChecksumMismatch):
        return (f"{detail.path}: mã băm sai (checksum mismatch): ghi {detail.expected}, "
                f"thực tế {detail.found}")
    if isinstance(detail, bagit.FileMissing):
        return f"{detail.path}: thiếu tệp (file missing)"
    if isinstance(detail, bagit.UnexpectedFile):
        return f"{detail.path}: tệp thừa không có trong manifest (unexpected file)"
    return str(detail)


def _xml(root: Path, path: str, check: Check, name: str) -> Any:
    try:
        document = etree.parse(str(root / "data" / path), parser())
    except OSError:
        check.problems.append(f"{path}: thiếu tệp (missing)")
        return None
    except etree.XMLSyntaxError as exc:
        check.problems.append(f"{path}: XML hỏng (malformed): {exc}")
        return None
    xsd = schema(name)
    if not xsd.validate(document):
        check.problems += [f"{path}:{e.line}: {e.message}" for e in xsd.error_log][:20]
    return document


def _mets(root: Path, entries: dict[str, str], check: Check) -> dict[str, mets.Listed]:
    document = _xml(root, "METS.xml", check, "mets")
    if document is None:
        return {}
    listed = mets.listed_files(document.getroot())
    check.checked = len(listed)
    for path, item in sorted(listed.items()):
        bagged = entries.get(f"data/{path}")
        if bagged is None:
            check.problems.append(f"{path}: METS liệt kê nhưng không có trong túi "
                                  "(listed in METS, not in the bag)")
            continue
        if bagged.lower() != item.sha256:
            check.problems.append(f"{path}: mã băm trong METS khác manifest "
                                  "(METS checksum differs from the bag's)")
        on_disk = root / "data" / path
        if on_disk.exists() and on_disk.stat().st_size != item.size:
            check.problems.append(f"{path}: kích thước khác METS ({on_disk.stat().st_size} "
                                  f"≠ {item.size} bytes)")
    for path in sorted(entries):
        inner = path.removeprefix("data/")
        if inner.startswith("representations/") and inner not in listed:
            check.problems.append(f"{inner}: có trong túi nhưng METS không liệt kê "
                                  "(in the bag, not in METS)")
    return listed


def _premis(root: Path, check: Check) -> None:
    document = _xml(root, mets.PREMIS, check, "premis")
    if document is not None:
        check.checked = sum(1 for _ in document.getroot())


def _appendix6(root: Path, check: Check) -> None:
    try:
        file_values, documents = appendix6.read_values(
            (root / "data" / mets.APPENDIX6).read_bytes())
    except OSError:
        check.problems.append(f"{mets.APPENDIX6}: thiếu tệp (missing)")
        return
    except appendix6.MetadataError as exc:
        check.problems.append(f"{mets.APPENDIX6}: {exc}")
        return
    check.checked = len(file_values) + sum(len(d) for d in documents)
    check.problems += [str(p) for p in appendix6.check_values(file_values, documents)]
    if file_values.get("DocTotal", "").isdigit() and int(file_values["DocTotal"]) != len(documents):
        check.problems.append(f"hồ sơ: DocTotal {file_values['DocTotal']} khác số văn bản "
                              f"({len(documents)})")
    pages = [d.get("PageAmount", "") for d in documents]
    if (file_values.get("PageTotal", "").isdigit() and all(p.isdigit() for p in pages)
            and int(file_values["PageTotal"]) != sum(int(p) for p in pages)):
        check.problems.append(f"hồ sơ: PageTotal {file_values['PageTotal']} khác tổng số "
                              f"trang các văn bản ({sum(int(p) for p in pages)})")


def _pdfs(root: Path, listed: dict[str, mets.Listed], structure: Check,
          signed: Check, checker: PdfChecker) -> None:
    if not checker.checks_signatures:
        signed.skipped = "không có bộ kiểm tra chữ ký (no signature checker given)"
    paths = [path for path in sorted(listed)
             if path.startswith("representations/") and path.lower().endswith(".pdf")
             and (root / "data" / path).exists()]  # missing files: the bag and METS say so
    verdicts = checker.check([PdfItem(root / "data" / path, listed[path].use in SIGNED_ROLES)
                              for path in paths])
    for path, verdict in zip(paths, verdicts, strict=True):
        structure.checked += 1
        if verdict.problem:
            structure.problems.append(f"{path}: {verdict.problem}")
            continue
        if verdict.version < "1.4":
            structure.problems.append(f"{path}: PDF {verdict.version}, cần 1.4 trở lên "
                                      "(TT 13/2023: PDF 1.4 or later)")
        if listed[path].use in PDFA_ROLES and not verdict.pdfa:
            structure.problems.append(f"{path}: không khai báo PDF/A (no PDF/A claim in XMP)")
        if not checker.checks_signatures or listed[path].use not in SIGNED_ROLES:
            continue
        signed.checked += 1
        if verdict.signatures is None:
            signed.problems.append(f"{path}: không có chữ ký số (not signed)")
        else:
            signed.problems += [f"{path}: {p}" for p in verdict.signatures]
