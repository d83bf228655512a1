#!/usr/bin/env python3
"""Benchmark: export + validate of archival packages, next to bagit-python alone.

Dossiers are made from corpus pages (``../shared/corpus/public/images``): a few
pages go through the real counter pipeline once (Tesseract ``vie`` through
OCRmyPDF, PDF/A, the operator's PAdES signature); every dossier then files two of
those documents, as a counter would file the same kinds of paper again and again,
and is closed. The figure is then:

* **sohoa**: ``Archives.export`` (read every file from the encrypted vault, App. VI,
  PREMIS, METS, the bag) followed by ``Archives.validate`` (bag, METS and PREMIS
  against their schemas, App. VI, qpdf's structure checks, PDF/A claims, every signature
  offline), dossier after dossier;
* **bagit** (the baseline, same run, same files): copying each package's content
  files into a folder, ``bagit.make_bag`` with SHA-256 and ``Bag.validate()``.

Rates are dossiers per minute and payload MB/s; the goal is ≥ 0.7× bagit's rate.

    .venv/bin/python bench/archive.py [--dossiers 1000] [--templates 6] [--out FILE]

Prints one JSON document (and writes it to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bagit  # noqa: E402
from sqlalchemy import update  # noqa: E402

from digitize import digitise, validate  # noqa: E402
from signing import operator_request, sign_pdf  # noqa: E402
from sohoa.counter import _files as document_files  # noqa: E402
from sohoa.services import build_services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from vault import DossierStatus, NewFile, Role, Viewer, parse_owner_id  # noqa: E402
from vault.models import Dossier  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "public" / "images"
AGENCY = "000.00.31.H50"
OPERATOR = "Phạm Minh Đức"
ARCHIVIST = Viewer(Role.ARCHIVIST, "archivist:bench")
GOAL = 0.7


def templates(services: Any, count: int) -> list[tuple[str, int, list[NewFile]]]:
    """``count`` corpus pages, each digitised and signed once: (title, pages, files)."""
    pages = sorted(CORPUS.glob("*"))[:count]
    if len(pages) < count:
        raise SystemExit(f"{CORPUS}: {len(pages)} pages, {count} wanted (is ../shared there?)")
    made = []
    for page in pages:
        scans = validate([(page.name, page.read_bytes())], services.settings.intake_limits)
        result = digitise(scans, services.settings.ocr)
        request = operator_request(services.operator_key(OPERATOR), services.stamp_font(),
                                   OPERATOR, datetime.now(UTC),
                                   services.settings.operator_signature_level)
        signed = sign_pdf(result.pdfa, request, services.trust)
        made.append((page.stem, result.page_count, document_files(result, signed)))
    return made


def make_dossiers(services: Any, made: list[tuple[str, int, list[NewFile]]],
                  count: int) -> list[str]:
    """``count`` closed dossiers of two documents each, ended 11 months ago."""
    codes = []
    for number in range(count):
        owner = parse_owner_id(f"0010990{number:05d}")
        code = services.vault.open_dossier(AGENCY, owner, procedure="TRICHLUC", actor="bench")
        for title, pages, files in (made[number % len(made)], made[(number + 1) % len(made)]):
            services.vault.file_document(
                owner=owner, title=title, page_count=pages, operator=OPERATOR,
                scanned_at=datetime.now(UTC), files=files, actor="bench", dossier_code=code,
                agency_code=AGENCY, doc_type="QD")
        codes.append(code)
    ended = datetime.now(UTC) - timedelta(days=330)
    with services.sessions() as session, session.begin():
        session.execute(update(Dossier).where(Dossier.code.in_(codes)).values(
            status=DossierStatus.COMPLETED.value, completed_at=ended, ended_at=ended,
            received_on=(ended - timedelta(days=10)).date()))
    return codes


class TimedSignatureChecks:
    """Wraps the archive's signature check to tell how much of the run it takes."""

    def __init__(self, check: Callable[[bytes], list[str] | None]) -> None:
        self.check, self.seconds, self.calls = check, 0.0, 0

    def __call__(self, pdf: bytes) -> list[str] | None:
        started = time.perf_counter()
        try:
            return self.check(pdf)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


def run_sohoa(services: Any, codes: list[str], out: Path) -> tuple[float, int, list[Path]]:
    """Export and validate each dossier; seconds, payload bytes, the packages."""
    payload, packages = 0, []
    started = time.perf_counter()
    for code in codes:
        written = services.archives.export(code, out, viewer=ARCHIVIST)
        report = services.archives.validate(written.path)
        if not report.valid:
            raise SystemExit(f"{code}: package not valid: {report.as_dict()}")
        payload += written.payload_bytes
        packages.append(written.path)
    return time.perf_counter() - started, payload, packages


def run_bagit(packages: list[Path], out: Path) -> tuple[float, int]:
    """Copy each package's content files into a folder, bag it (SHA-256), validate it."""
    payload = 0
    started = time.perf_counter()
    for number, package in enumerate(packages):
        target = out / f"bag-{number:05d}"
        shutil.copytree(package / "data" / "representations", target)
        bag = bagit.make_bag(str(target), checksums=["sha256"])
        bag.validate()
        payload += sum(p.stat().st_size for p in (target / "data").rglob("*") if p.is_file())
    return time.perf_counter() - started, payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--templates", type=int, default=6)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sohoa-bench-archive-"))
    try:
        services = build_services(Settings(data_dir=work / "data"), start_jobs=False)
        try:
            services.vault.add_agency(AGENCY, "UBND phường Bến Nghé", actor="bench")
            made_at = time.perf_counter()
            made = templates(services, args.templates)
            codes = make_dossiers(services, made, args.dossiers)
            setup = time.perf_counter() - made_at
            timed = TimedSignatureChecks(services.archives.signature_problems)
            services.archives.signature_problems = timed  # type: ignore[method-assign]
            ours, ours_bytes, packages = run_sohoa(services, codes, work / "packages")
        finally:
            services.close()
        theirs, their_bytes = run_bagit(packages, work / "bags")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def rate(seconds: float, payload: int) -> dict[str, float]:
        return {"seconds": round(seconds, 2),
                "dossiers_per_min": round(len(codes) / seconds * 60, 1),
                "mb_per_s": round(payload / seconds / 1e6, 2)}

    sohoa_rate, bagit_rate = rate(ours, ours_bytes), rate(theirs, their_bytes)
    ratio = round(sohoa_rate["dossiers_per_min"] / bagit_rate["dossiers_per_min"], 3)
    result = {
        "bench": "archive", "date": date.today().isoformat(),
        "dossiers": len(codes), "documents_per_dossier": 2, "templates": args.templates,
        "payload_mb": round(ours_bytes / 1e6, 1), "setup_seconds": round(setup, 1),
        "sohoa_export_validate": sohoa_rate, "baseline_bagit_make_validate": bagit_rate,
        "ratio": ratio, "goal": GOAL, "goal_met": ratio >= GOAL,
        # Where the time goes: pyHanko validating every signature offline, twice (for the
        # PREMIS validation event at export, then by the validation itself).
        "signature_checks": {"calls": timed.calls, "seconds": round(timed.seconds, 2),
                             "share_of_sohoa": round(timed.seconds / ours, 3)},
        "ratio_without_signature_checks": round(theirs / (ours - timed.seconds), 3),
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
