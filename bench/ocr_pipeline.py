#!/usr/bin/env python3
"""Benchmark: sohoa's digitisation pipeline against plain OCRmyPDF and bare Tesseract.

One run over ``../shared/corpus/public`` (every page, every profile), three profiles:

- ``sohoa``: intake checks, preprocessing and OCR to PDF/A (OCRmyPDF + Tesseract
  vie), operator signature with the visible stamp. One job per corpus document
  (its pages in order), as a counter would digitise a multi-page paper, with as
  many documents at once as the service's job workers (``--job-workers``).
- ``ocrmypdf``: ``ocrmypdf -l vie --deskew --output-type pdfa --jobs 2`` on the same
  documents (image-only PDFs of the same pages, made with img2pdf).
- ``tesseract``: ``tesseract IMG OUT -l vie``, OMP_THREAD_LIMIT=1, two at a time.

Text is scored with the corpus's own ``score_ocr.py`` (CER/WER per profile).
Prints JSON: seconds per page, pages per minute, CER/WER per profile for each,
and the ratios of sohoa to each baseline measured in the same run.

    .venv/bin/python bench/ocr_pipeline.py [--corpus ../shared/corpus] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import img2pdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitize import IntakeLimits, OcrSettings, digitise, validate  # noqa: E402
from signing import (  # noqa: E402
    DevPki,
    PadesLevel,
    dev_trust_services,
    operator_request,
    sign_pdf,
    stamp_font,
)
from sohoa.settings import Settings  # noqa: E402


def documents(manifest: dict, base: Path) -> dict[str, list[dict]]:
    """Corpus pages grouped by source document, base pages then extras, in page order."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in manifest["pages"]:
        groups[page["doc"]].append(page)
    for pages in groups.values():
        pages.sort(key=lambda p: (p.get("extra", False), p["page"], p["id"]))
    return dict(groups)


def run_sohoa(groups: dict[str, list[dict]], base: Path, out: Path, work: Path,
              settings: OcrSettings, documents_at_once: int) -> float:
    """Documents go through sohoa as the service runs them: `job_workers` at a time."""
    pki = DevPki(work / "pki")
    font = stamp_font(work / "fonts")
    keys = pki.key_source(pki.operator("Cán bộ đo hiệu năng"))
    trust = dev_trust_services(pki)

    def one(pages: list[dict]) -> None:
        files = [(Path(p["image"]).name, (base / p["image"]).read_bytes()) for p in pages]
        result = digitise(validate(files, IntakeLimits()), settings)
        sign_pdf(result.pdfa, operator_request(
            keys, font, "Cán bộ đo hiệu năng", datetime.now(UTC), PadesLevel.B_T), trust)
        for page, text in zip(pages, result.page_texts, strict=False):
            (out / f"{page['id']}.txt").write_text(text, encoding="utf-8")

    started = time.perf_counter()
    # Largest documents first, so the last one does not run alone.
    ordered = sorted(groups.values(), key=len, reverse=True)
    with ThreadPoolExecutor(max_workers=documents_at_once) as pool:
        list(pool.map(one, ordered))
    return time.perf_counter() - started


def run_ocrmypdf(groups: dict[str, list[dict]], base: Path, out: Path, work: Path) -> float:
    inputs = {}
    for doc, pages in groups.items():
        pdf = work / f"{doc}.in.pdf"
        pdf.write_bytes(bytes(img2pdf.convert([str(base / p["image"]) for p in pages])))
        inputs[doc] = pdf
    started = time.perf_counter()
    for doc, pages in groups.items():
        sidecar = work / f"{doc}.txt"
        subprocess.run(
            [str(Path(sys.executable).parent / "ocrmypdf"), "-l", "vie", "--deskew", "--output-type", "pdfa",
             "--jobs", "2", "--sidecar", str(sidecar), "--quiet", str(inputs[doc]),
             str(work / f"{doc}.out.pdf")],
            check=True,
        )
        for page, text in zip(pages, sidecar.read_text(encoding="utf-8").split("\f"),
                              strict=False):
            (out / f"{page['id']}.txt").write_text(text, encoding="utf-8")
    return time.perf_counter() - started


def run_tesseract(pages: list[dict], base: Path, out: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: dict) -> None:
        subprocess.run(["tesseract", str(base / page["image"]), str(out / page["id"]), "-l", "vie"],
                       check=True, env=env, capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


def score(corpus: Path, manifest: Path, ocr_dir: Path) -> dict:
    report = ocr_dir / "scores.json"
    subprocess.run([sys.executable, str(corpus / "score_ocr.py"), "--manifest", str(manifest),
                    "--ocr", str(ocr_dir), "--json", str(report)],
                   check=True, capture_output=True)
    data = json.loads(report.read_text())
    pick = ("cer", "wer", "cer_nodiac", "pages")

    def trim(row: dict) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items() if k in pick}

    return {"overall": trim(data["overall"]),
            "per_profile": {name: trim(row) for name, row in data["per_profile"].items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ocr_pipeline")
    parser.add_argument("--only", choices=["sohoa", "ocrmypdf", "tesseract"], action="append")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override an OcrSettings field for sohoa, e.g. --set ocr_dpi=250")
    parser.add_argument("--job-workers", type=int, default=Settings().job_workers,
                        help="documents digitised at once (the service's SOHOA_JOB_WORKERS)")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        kind = type(getattr(OcrSettings(), name))
        overrides[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    settings = OcrSettings(**overrides)
    base = args.corpus / "public"
    manifest_path = base / "manifest.json"
    if not manifest_path.exists():
        parser.error(f"no corpus at {base}: pass --corpus")
    manifest = json.loads(manifest_path.read_text())
    groups = documents(manifest, base)
    pages = [p for g in groups.values() for p in g]
    results: dict[str, dict] = {}
    profiles = args.only or ["sohoa", "ocrmypdf", "tesseract"]
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        work = Path(tmp)
        for name in profiles:
            out = args.out / name
            out.mkdir(parents=True, exist_ok=True)
            for old in out.glob("*.txt"):
                old.unlink()
            print(f"running {name} on {len(pages)} pages…", file=sys.stderr)
            if name == "sohoa":
                seconds = run_sohoa(groups, base, out, work, settings, args.job_workers)
            elif name == "ocrmypdf":
                seconds = run_ocrmypdf(groups, base, out, work)
            else:
                seconds = run_tesseract(pages, base, out)
            results[name] = {
                "wall_seconds": round(seconds, 1),
                "seconds_per_page": round(seconds / len(pages), 3),
                "pages_per_minute": round(60 * len(pages) / seconds, 1),
                **score(args.corpus, manifest_path, out),
            }
    ratios = {}
    if "sohoa" in results:
        for other in ("ocrmypdf", "tesseract"):
            if other in results:
                ratios[f"sohoa_vs_{other}"] = {
                    "throughput": round(results["sohoa"]["pages_per_minute"]
                                        / results[other]["pages_per_minute"], 3),
                    "cer": round(results["sohoa"]["overall"]["cer"]
                                 / max(results[other]["overall"]["cer"], 1e-9), 3),
                }
    print(json.dumps({
        "benchmark": "ocr_pipeline",
        "corpus_pages": len(pages),
        "machine": {"cores": os.cpu_count()},
        "sohoa_settings": {k: v for k, v in vars(settings).items()},
        "profiles": results,
        "ratios": ratios,
        "notes": "sohoa counts intake checks, PDF/A and the operator signature; "
                 "ocrmypdf counts PDF/A; tesseract counts text only. CER as score_ocr.py.",
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
