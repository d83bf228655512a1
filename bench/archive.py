#!/usr/bin/env python3
"""Benchmark: export and validation of archival packages, next to bagit-python.

Dossiers are made from corpus pages (``../shared/corpus/public/images``): a few
pages go through the real counter pipeline once (Tesseract ``vie`` through
OCRmyPDF, PDF/A, the operator's PAdES signature, the verdict on each PDF recorded as
the counter records it when signing); every dossier then files two of those
documents, as a counter would file the same kinds of paper again and again, and is
closed. Two timed halves, each with its baseline in the same run on the same files:

1. **export**: ``Archives.export_many`` — for each dossier, every file read from the
   encrypted vault, App. VI, PREMIS, METS, the bag, then the package's full validation
   (bag checksums read back, METS and PREMIS against their schemas, App. VI, PDF
   structure); each signed file's verdict recorded at signing is reused once the
   bytes written hash to the SHA-256 it was recorded for. Baseline: copying each
   package's content files into a folder, ``bagit.make_bag`` (SHA-256) and
   ``Bag.validate()``, as the library does by default. Goal ≥ 1.0×.
2. **validate**: ``sohoa archive validate`` of every package as one from elsewhere
   (``Archives.validate_many``: nothing recorded is reused, every signature checked
   offline). Baseline: ``bagit`` validation of the same bags plus pyHanko's offline
   check of every signed file, one after the other. Goal ≥ 1.0×.

sohoa runs ``archive_workers`` processes (default one per CPU), as the service does.
Each timed phase starts after ``os.sync()``, so none pays for the writes of another.

    .venv/bin/python bench/archive.py [--dossiers 1000] [--templates 6] [--out FILE]

Prints one JSON document (and writes it to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bagit  # noqa: E402
from sqlalchemy import update  # noqa: E402

from archive.validate import SIGNED_ROLES  # noqa: E402
from digitize import digitise, validate  # noqa: E402
from kernel import Role, Viewer, parse_owner_id  # noqa: E402
from signing import operator_request, sign_pdf  # noqa: E402
from sohoa.runtime import build_services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from sohoa.usecases.counter import _files as document_files  # noqa: E402
from vault import DossierStatus, NewFile  # noqa: E402
from vault.models import Dossier  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "public" / "images"
AGENCY = "000.00.31.H50"
OPERATOR = "Phạm Minh Đức"
ARCHIVIST = Viewer(Role.ARCHIVIST, "archivist:bench")
GOAL = 1.0


def templates(services: Any, count: int) -> list[tuple[str, int, list[NewFile]]]:
    """``count`` corpus pages, each digitised and signed once: (title, pages, files)."""
    pages = sorted(CORPUS.glob("*"))[:count]
    if len(pages) < count:
        raise SystemExit(f"{CORPUS}: {len(pages)} pages, {count} wanted (is ../shared there?)")
    made = []
    for page in pages:
        scans = validate([(page.name, page.read_bytes())], services.settings.intake.limits)
        result = digitise(scans, services.settings.ocr)
        request = operator_request(services.operator_key(OPERATOR), services.stamp_font(),
                                   OPERATOR, datetime.now(UTC),
                                   services.settings.signing.operator_signature_level)
        signed = sign_pdf(result.pdfa, request, services.trust)
        files = document_files(result, signed, keep_scans=False)
        services.archives.record_verdicts(files)
        made.append((page.stem, result.page_count, files))
    return made


def make_dossiers(services: Any, made: list[tuple[str, int, list[NewFile]]],
                  count: int) -> list[str]:
    """``count`` closed dossiers of two documents each, ended 11 months ago."""
    codes = []
    for number in range(count):
        owner = parse_owner_id(f"0010990{number:05d}")
        code = services.vault.intake.open_dossier(AGENCY, owner, procedure="TRICHLUC", actor="bench")
        for title, pages, files in (made[number % len(made)], made[(number + 1) % len(made)]):
            services.vault.filing.file_document(
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


def run_sohoa(services: Any, codes: list[str], out: Path) -> tuple[float, int, list[Path]]:
    """Export (and so validate) every dossier; seconds, payload bytes, the packages."""
    os.sync()
    started = time.perf_counter()
    exported = services.archives.export_many(codes, out, viewer=ARCHIVIST)
    seconds = time.perf_counter() - started
    invalid = [e.path.name for e in exported if not e.report.valid]
    if invalid:
        raise SystemExit(f"packages not valid: {invalid[:5]}")
    return seconds, sum(e.payload_bytes for e in exported), [e.path for e in exported]


def run_bagit(packages: list[Path], out: Path) -> tuple[float, int]:
    """Copy each package's content files into a folder, bag it (SHA-256), validate it."""
    payload = 0
    os.sync()
    started = time.perf_counter()
    for number, package in enumerate(packages):
        target = out / f"bag-{number:05d}"
        shutil.copytree(package / "data" / "representations", target)
        bag = bagit.make_bag(str(target), checksums=["sha256"])
        bag.validate()
        payload += sum(p.stat().st_size for p in (target / "data").rglob("*") if p.is_file())
    return time.perf_counter() - started, payload


def run_validate(services: Any, packages: list[Path]) -> float:
    """``sohoa archive validate`` of every package, as packages from elsewhere."""
    os.sync()
    started = time.perf_counter()
    reports = services.archives.validate_many(packages)
    seconds = time.perf_counter() - started
    if not all(r.valid for r in reports):
        raise SystemExit("a package did not validate")
    return seconds


def bagit_and_pyhanko(services: Any, packages: list[Path]) -> tuple[float, float, int]:
    """Validate each bag with bagit, then pyHanko's offline check of every signed file:
    seconds of each, and the signed files."""
    os.sync()
    started = time.perf_counter()
    for package in packages:
        bagit.Bag(str(package)).validate()
    bag_seconds = time.perf_counter() - started
    signed = sorted(p for package in packages
                    for p in (package / "data" / "representations").rglob("*.pdf")
                    if p.name.rsplit(".", 2)[-2] in SIGNED_ROLES)
    check = services.archives.checker.signatures
    started = time.perf_counter()
    for path in signed:
        if check(path.read_bytes()) != []:
            raise SystemExit(f"{path.name}: signature not valid")
    return bag_seconds, time.perf_counter() - started, len(signed)


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
            services.vault.agencies.add_agency(AGENCY, "UBND phường Bến Nghé", actor="bench")
            made_at = time.perf_counter()
            made = templates(services, args.templates)
            codes = make_dossiers(services, made, args.dossiers)
            setup = time.perf_counter() - made_at
            workers = services.archives.workers
            exported, payload, packages = run_sohoa(services, codes, work / "packages")
            validated = run_validate(services, packages)
            bag_seconds, signature_seconds, signed_files = bagit_and_pyhanko(services, packages)
        finally:
            services.close()
        bagged, bag_payload = run_bagit(packages, work / "bags")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def rate(seconds: float, size: int = payload) -> dict[str, float]:
        return {"seconds": round(seconds, 2),
                "dossiers_per_min": round(len(codes) / seconds * 60, 1),
                "mb_per_s": round(size / seconds / 1e6, 2)}

    export_ratio = round(bagged / exported, 3)
    validate_ratio = round((bag_seconds + signature_seconds) / validated, 3)
    result = {
        "bench": "archive", "date": date.today().isoformat(),
        "command": "bench/archive.py " + " ".join(sys.argv[1:]),
        "dossiers": len(codes), "documents_per_dossier": 2, "templates": args.templates,
        "payload_mb": round(payload / 1e6, 1), "setup_seconds": round(setup, 1),
        "cpus": os.cpu_count(), "sohoa_workers": workers, "goal": GOAL,
        "export": {"sohoa_export_many": rate(exported),
                   "baseline_bagit_make_validate": rate(bagged, bag_payload),
                   "ratio": export_ratio, "goal_met": export_ratio >= GOAL},
        "validate": {"sohoa_archive_validate": rate(validated),
                     "baseline_bagit_validate_plus_pyhanko": rate(bag_seconds + signature_seconds)
                     | {"bagit_seconds": round(bag_seconds, 2),
                        "pyhanko_seconds": round(signature_seconds, 2),
                        "signed_files": signed_files},
                     "ratio": validate_ratio, "goal_met": validate_ratio >= GOAL},
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
