#!/usr/bin/env python3
"""Benchmark: field extraction (number/symbol, issue date, issuing body) on the corpus.

Every corpus page is digitised by sohoa as a one-page document (intake,
preprocessing, OCR) and its fields extracted as page 1 of a document would be.
Truth comes from ``tests/fixtures/fields/corpus_fields.json`` (built from the
corpus sources by ``bench/field_truth.py``): the pages that show the national
header carry their document's values; every other page carries none, so a
value found on a body page counts against precision.

The baseline in the same run is the same extractor on the ground-truth text of
each page: the ratio shows what OCR costs extraction.

    .venv/bin/python bench/field_extraction.py [--corpus ../shared/corpus] [--ocr-dir DIR]

``--ocr-dir`` reuses page texts (``<page id>.txt``) from an earlier OCR run
instead of running OCR again, e.g. ``bench/out/ocr_pipeline/sohoa``.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize import IntakeLimits, digitise, validate  # noqa: E402
from digitize.extract import DocTypeCatalogue, extract_fields  # noqa: E402
from sohoa.settings import Settings  # noqa: E402

FIELDS = ("number_symbol", "issue_date", "issuing_body")
TRUTH = ROOT / "tests" / "fixtures" / "fields" / "corpus_fields.json"


def expected(truth: dict, page_id: str) -> dict[str, str | None]:
    page = truth["pages"][page_id]
    if not page["has_header"]:
        return dict.fromkeys(FIELDS)
    return {name: truth["documents"][page["doc"]][name] for name in FIELDS}


def same(field: str, found: str | None, wanted: str | None) -> bool:
    if found is None or wanted is None:
        return found == wanted
    if field == "issuing_body":  # compare as words: line breaks and spacing are layout
        return " ".join(found.split()).casefold() == " ".join(wanted.split()).casefold()
    return found == wanted


def score(found: dict[str, dict[str, str | None]], truth: dict) -> dict[str, dict]:
    """Precision and recall per field over every page."""
    report = {}
    for field in FIELDS:
        tp = fp = fn = 0
        misses = []
        for page_id, values in found.items():
            got, wanted = values.get(field), expected(truth, page_id)[field]
            if got is not None and same(field, got, wanted):
                tp += 1
            else:
                fp += got is not None
                fn += wanted is not None
                if got is not None or wanted is not None:
                    misses.append({"page": page_id, "found": got, "truth": wanted})
        report[field] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "pages_with_value": tp + fn,
            "misses": misses,
        }
    return report


def ocr_texts(pages: list[dict], base: Path, workers: int) -> dict[str, tuple[str, float | None]]:
    settings = Settings()

    def one(page: dict) -> tuple[str, tuple[str, float | None]]:
        files = [(Path(page["image"]).name, (base / page["image"]).read_bytes())]
        result = digitise(validate(files, IntakeLimits()), settings.ocr)
        return page["id"], (result.text, result.quality[0].confidence if result.quality else None)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(one, pages))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--ocr-dir", type=Path, help="reuse <page id>.txt from an earlier run")
    parser.add_argument("--job-workers", type=int, default=Settings().job_workers)
    args = parser.parse_args()
    base = args.corpus / "public"
    if not (base / "manifest.json").exists():
        parser.error(f"no corpus at {base}: pass --corpus")
    manifest = json.loads((base / "manifest.json").read_text())
    truth = json.loads(TRUTH.read_text("utf-8"))
    catalogue = DocTypeCatalogue.load()
    pages = manifest["pages"]

    if args.ocr_dir:
        texts = {p["id"]: ((args.ocr_dir / f"{p['id']}.txt").read_text("utf-8"), None)
                 for p in pages}
    else:
        print(f"digitising {len(pages)} pages…", file=sys.stderr)
        texts = ocr_texts(pages, base, args.job_workers)

    def run(source: dict[str, tuple[str, float | None]]) -> dict[str, dict[str, str | None]]:
        out = {}
        for page_id, (text, confidence) in source.items():
            found = extract_fields([text], catalogue, page_confidence=[confidence])
            out[page_id] = {field: found.value(field) for field in FIELDS}
        return out

    ground = {p["id"]: ((base / p["truth"]).read_text("utf-8"), None) for p in pages}
    sohoa, baseline = score(run(texts), truth), score(run(ground), truth)
    ratios = {
        field: {k: round(sohoa[field][k] / max(baseline[field][k], 1e-9), 3)
                for k in ("precision", "recall")}
        for field in FIELDS
    }
    print(json.dumps({
        "benchmark": "field_extraction",
        "corpus_pages": len(pages),
        "pages_with_header": sum(1 for p in truth["pages"].values() if p["has_header"]),
        "sohoa_on_ocr": sohoa,
        "baseline_on_truth_text": {f: {k: v for k, v in r.items() if k != "misses"}
                                   for f, r in baseline.items()},
        "ratio_ocr_to_truth_text": ratios,
        "target": "precision and recall >= 0.9 for each field",
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
