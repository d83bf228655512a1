#!/usr/bin/env python3
"""Benchmark: sohoa's OCR against bare Tesseract on pages we did not make.

The set is `bench/devset` (public texts in other typefaces, degraded by augraphy and
albumentations; `make devset` makes its images). Each page is digitised as a
one-page document, two at a time, as the service's job workers would; bare
``tesseract IMG OUT -l vie`` reads the same images in the same run. Text is scored
with the public corpus's ``score_ocr.py``.

Prints JSON: CER overall, per model (the ``augraphy`` half is the one we tune on, the
``albumentations`` half the check), per profile and per typeface, for both; the pages
where sohoa is more than one point worse than bare Tesseract; and how far the
per-page quality estimate (`PageQuality.expected_cer`) lies from the measured CER.

    .venv/bin/python bench/ocr_devset.py [--images bench/out/devset/images] [--half augraphy]
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ocr_pipeline import run_tesseract  # noqa: E402

from digitize import IntakeLimits, OcrSettings, digitise, validate  # noqa: E402

DEVSET = ROOT / "bench" / "devset"


def run_sohoa(pages: list[dict], out: Path, settings: OcrSettings, at_once: int) -> tuple[float, dict]:
    qualities: dict[str, Any] = {}

    def one(page: dict) -> None:
        image = Path(page["image"])
        result = digitise(validate([(image.name, image.read_bytes())], IntakeLimits()), settings)
        (out / f"{page['id']}.txt").write_text(result.text, encoding="utf-8")
        qualities[page["id"]] = result.quality[0].as_dict() if result.quality else {}

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started, qualities


def per_page_cer(corpus: Path, manifest: Path, ocr_dir: Path) -> dict[str, float]:
    report = ocr_dir / "scores.json"
    subprocess.run([sys.executable, str(corpus / "score_ocr.py"), "--manifest", str(manifest),
                    "--ocr", str(ocr_dir), "--json", str(report)], check=True, capture_output=True)
    rows = json.loads(report.read_text())["pages"]
    return {row["id"]: row["cer"] for row in rows}


def pooled(pages: list[dict], cer: dict[str, float]) -> float:
    """CER over the pages' characters together (as score_ocr's overall figure)."""
    chars = sum(p["chars"] for p in pages)
    return round(100 * sum(cer[p["id"]] * p["chars"] for p in pages) / max(chars, 1), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--images", type=Path, default=ROOT / "bench" / "out" / "devset" / "images")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ocr_devset")
    parser.add_argument("--half", choices=["augraphy", "albumentations"], action="append")
    parser.add_argument("--only", help="comma-separated page ids")
    parser.add_argument("--skip-tesseract", action="store_true",
                        help="reuse the bare Tesseract texts of the last run")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override an OcrSettings field for sohoa")
    args = parser.parse_args()
    if not (args.corpus / "score_ocr.py").is_file():
        parser.error(f"no corpus scorer at {args.corpus}: pass --corpus")
    overrides: dict[str, Any] = {}
    for item in args.set:
        name, _, value = item.partition("=")
        kind = type(getattr(OcrSettings(), name))
        overrides[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    settings = OcrSettings(**overrides)

    manifest = json.loads((DEVSET / "manifest.json").read_text(encoding="utf-8"))
    pages = []
    for entry in manifest["pages"]:
        if args.half and entry["model"] not in args.half:
            continue
        if args.only and entry["id"] not in args.only.split(","):
            continue
        truth = DEVSET / "truth" / f"{entry['id']}.txt"
        image = args.images.resolve() / f"{entry['id']}.jpg"
        if not image.is_file():
            parser.error(f"no image {image}: run `make devset` first")
        pages.append({**entry, "image": str(image), "truth": str(truth),
                      "profile": f"{entry['model']}:{entry['profile']}",
                      "chars": len(truth.read_text(encoding="utf-8").replace("\n", ""))})
    args.out.mkdir(parents=True, exist_ok=True)
    score_manifest = args.out / "manifest.json"
    score_manifest.write_text(json.dumps({"pages": pages}, ensure_ascii=False), encoding="utf-8")

    cer: dict[str, dict[str, float]] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sohoa-devset-"):
        for name in ("sohoa", "tesseract"):
            out = args.out / name
            out.mkdir(exist_ok=True)
            if name == "tesseract" and args.skip_tesseract:
                cer[name] = per_page_cer(args.corpus, score_manifest, out)
                continue
            for old in out.glob("*.txt"):
                if not args.only or old.stem in args.only.split(","):
                    old.unlink()
            print(f"running {name} on {len(pages)} pages…", file=sys.stderr)
            if name == "sohoa":
                seconds[name], qualities = run_sohoa(pages, out, settings, 2)
                (args.out / "quality.json").write_text(json.dumps(qualities, indent=1))
            else:
                seconds[name] = run_tesseract(pages, Path("/"), out)
            cer[name] = per_page_cer(args.corpus, score_manifest, out)

    def groups(key: str) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for page in pages:
            found[page[key]].append(page)
        return dict(sorted(found.items()))

    def table(key: str) -> dict[str, dict[str, float]]:
        return {name: {engine: pooled(group, cer[engine]) for engine in cer}
                for name, group in groups(key).items()}

    worse = sorted(
        ({"page": p["id"], "profile": p["profile"],
          "sohoa": round(100 * cer["sohoa"][p["id"]], 2),
          "tesseract": round(100 * cer["tesseract"][p["id"]], 2)}
         for p in pages if cer["sohoa"][p["id"]] > cer["tesseract"][p["id"]] + 0.01),
        key=lambda row: row["tesseract"] - row["sohoa"])
    estimate: dict[str, Any] = {}
    if "sohoa" in seconds:
        qualities = json.loads((args.out / "quality.json").read_text())
        misses = [abs(100 * (qualities[p["id"]].get("expected_cer") or 0.0)
                      - 100 * cer["sohoa"][p["id"]]) for p in pages if p["id"] in qualities]
        estimate = {"within_2_points": round(sum(m <= 2 for m in misses) / max(len(misses), 1), 3),
                    "median_miss_points": round(sorted(misses)[len(misses) // 2], 2) if misses else None}
    overall = {engine: pooled(pages, cer[engine]) for engine in cer}
    print(json.dumps({
        "benchmark": "ocr_devset",
        "pages": len(pages),
        "machine": {"cores": os.cpu_count()},
        "cer_percent": {"overall": overall, "per_model": table("model"),
                        "per_profile": table("profile"), "per_typeface": table("typeface")},
        "ratio_cer_sohoa_vs_tesseract": round(overall["sohoa"] / max(overall["tesseract"], 1e-9), 3),
        "pages_at_or_under_2_percent": {e: sum(cer[e][p["id"]] <= 0.02 for p in pages) for e in cer},
        "pages_over_1_point_worse_than_tesseract": worse,
        "quality_estimate": estimate,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "sohoa_settings": dict(vars(settings)),
    }, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
