#!/usr/bin/env python3
"""Fit the per-page quality estimate (`digitize.ocr.estimate`) on the development set's
tuning half and check it on the other half.

Each page is read exactly as the service reads it (`SohoaTesseract.generate_ocr`: the
preparations, the choice between readings, the post-processing). Every word read
gives (confidence, valid syllable or not, length) and the page its measured CER
against its truth. The calibration (share of characters wrong per confidence band,
for valid and invalid words apart, and the text lost per unit of unread ink) is
fitted on the `augraphy` half only; the check half is then estimated with it and
compared with its measured CER.

Prints JSON: the calibration (paste it into `digitize/ocr/estimate.py`), and for each
half the share of pages whose estimate is within ±2 points of the measured CER.

    .venv/bin/python bench/fit_estimate.py [--images bench/out/devset/images]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEVSET = ROOT / "bench" / "devset"


def read_page(image: str) -> dict[str, Any]:
    """The service's reading of one page image: its words with confidences, its quality."""
    import os

    from digitize._exec import ocr_plugin

    with tempfile.TemporaryDirectory(prefix="sohoa-fit-") as folder:
        config = Path(folder) / "config.json"
        ocr_plugin.PageReaderConfig(quality_dir=folder).dump(config)
        os.environ[ocr_plugin.CONFIG_ENV] = str(config)
        work = Path(folder) / Path(image).name
        work.write_bytes(Path(image).read_bytes())
        tree, _ = ocr_plugin.SohoaTesseract.generate_ocr(work, None, 0)
        quality = json.loads((Path(folder) / "page-0001.json").read_text(encoding="utf-8"))
    words = [(w.text.strip(), w.confidence or 0.0) for w in tree.words if w.text.strip()]
    return {"words": words, "quality": quality}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=Path, default=ROOT / "bench" / "out" / "devset" / "images")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the readings in this JSON file and reuse them on the next run")
    args = parser.parse_args()
    from digitize.ocr import estimate

    manifest = json.loads((DEVSET / "manifest.json").read_text(encoding="utf-8"))
    pages = manifest["pages"]
    images = [str(args.images / f"{p['id']}.jpg") for p in pages]
    if args.cache and args.cache.exists():
        readings = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            readings = list(pool.map(read_page, images))
        if args.cache:
            args.cache.write_text(json.dumps(readings, ensure_ascii=False), encoding="utf-8")

    rows: dict[str, list[dict[str, Any]]] = {"augraphy": [], "albumentations": []}
    for page, reading in zip(pages, readings, strict=True):
        truth = "".join((DEVSET / "truth" / f"{page['id']}.txt").read_text(encoding="utf-8").split())
        words = [(text, confidence) for text, confidence in reading["words"]]
        read = "".join("".join(text for text, _ in words).split())
        rows[page["model"]].append({
            "id": page["id"], "cer": Levenshtein.distance(truth, read) / max(1, len(truth)),
            "words": words, "unread": reading["quality"]["unread_share"]})

    calibration, lost = fit(rows["augraphy"], estimate)

    def check(half: str, table: Any = calibration, per_unread: float = lost) -> dict[str, Any]:
        guesses = [(estimate.estimate(r["words"], r["unread"], calibration=table,
                                      lost_per_unread=per_unread), r["cer"]) for r in rows[half]]
        misses = sorted(abs(g - c) for g, c in guesses)
        threshold = 0.05
        poor = [g for g, c in guesses if c > threshold]
        good = [g for g, c in guesses if c <= threshold]
        return {"pages": len(guesses),
                "within_2_points": round(sum(m <= 0.02 for m in misses) / len(misses), 3),
                "within_5_points": round(sum(m <= 0.05 for m in misses) / len(misses), 3),
                "median_miss_points": round(100 * misses[len(misses) // 2], 2),
                "pages_over_5_percent": len(poor),
                "of_them_sent_to_review": sum(g > threshold for g in poor),
                "pages_at_most_5_percent": len(good),
                "of_them_sent_to_review_needlessly": sum(g > threshold for g in good),
                "within_2_points_of_those": sum(abs(g - c) <= 0.02 for g, c in guesses
                                                if c <= threshold)}

    print(json.dumps({
        "benchmark": "fit_estimate",
        "bands": list(estimate.BANDS),
        "calibration": calibration,
        "lost_per_unread": lost,
        "tune_augraphy": check("augraphy"),
        "check_albumentations": check("albumentations"),
        "shipped_on_check": check("albumentations", estimate.CALIBRATION, estimate.LOST_PER_UNREAD),
    }, indent=1))
    return 0


def fit(rows: list[dict[str, Any]], estimate: Any) -> tuple[dict[str, list[float]], float]:
    """The calibration that minimises the summed absolute page error on `rows`.

    Coordinate descent from the shipped table, keeping it plausible: rates never rise
    with confidence and an invalid word is never trusted more than a valid one of the
    same band. Minimising the page error (not the per-word error) is what the estimate
    is judged by; per-word fits on aligned words overestimated every good page.
    """
    def loss(table: dict[str, list[float]], per_unread: float) -> float:
        return sum(abs(estimate.estimate(r["words"], r["unread"], calibration=table,
                                         lost_per_unread=per_unread) - r["cer"]) for r in rows)

    def plausible(table: dict[str, list[float]]) -> bool:
        return (all(v[i] >= v[i + 1] for v in table.values() for i in range(len(v) - 1))
                and all(i >= v for i, v in zip(table["invalid"], table["valid"], strict=True)))

    table = {kind: list(rates) for kind, rates in estimate.CALIBRATION.items()}
    per_unread = float(estimate.LOST_PER_UNREAD)
    best = loss(table, per_unread)
    for _ in range(8):
        for kind in ("valid", "invalid"):
            for band in range(len(table[kind])):
                for factor in (0.5, 0.7, 0.85, 1.2, 1.5, 2.0):
                    trial = {k: list(v) for k, v in table.items()}
                    trial[kind][band] = min(1.0, trial[kind][band] * factor)
                    if plausible(trial) and (tried := loss(trial, per_unread)) < best:
                        best, table = tried, trial
        for factor in (0.5, 0.8, 1.25, 2.0):
            if (tried := loss(table, per_unread * factor)) < best:
                best, per_unread = tried, per_unread * factor
    return {k: [round(x, 4) for x in v] for k, v in table.items()}, round(per_unread, 4)


if __name__ == "__main__":
    raise SystemExit(main())
