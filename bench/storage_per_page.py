#!/usr/bin/env python3
"""Benchmark: stored bytes per colour 200-dpi A4 page, and whether the kept page reads.

Each colour page of the corpus scanned at 200 dpi is digitised through the counter
(intake, capture checks, OCR, PDF/A, operator signature, extraction) into a fresh
embedded service (SQLite, local blob folder), as a one-page document. Two sets:

- ``native``: the corpus's own 200-dpi colour JPEGs, byte for byte;
- ``rescanned``: the 300-dpi colour pages resampled to 200 dpi and saved as a
  scanner would (JPEG quality 75).

Each set runs twice in the same run: as sohoa keeps pages (the page images split into
ink and paper after OCR, ``digitize.recompress``; the scanner's file not kept) and, as
the baseline, as it kept them before issue 30 (``SOHOA_KEEP_SCANNER_FILE=true``,
``SOHOA_OCR_KEPT_IMAGE_QUALITY=0``: the scan's JPEG inside the signed PDF as it came).
"Stored" is what the blob store holds (distinct blobs on disk), per page.

Legibility is checked by OCR: the counter's text (read from the full-quality scan)
and a second reading of the PDF/A as kept, through the same pipeline, are both
scored by the corpus's ``score_ocr.py``; the goal is ≤ 300 KB a page with the kept
page's CER within 0.1 points of the full-quality one.

    .venv/bin/python bench/storage_per_page.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize import digitise, validate  # noqa: E402
from kernel import Viewer  # noqa: E402
from sohoa.runtime import build_services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from sohoa.usecases import counter  # noqa: E402

OWNER = "0100109106"
SYSTEM = Viewer.system("bench")


def page_sets(manifest: dict, base: Path) -> dict[str, list[tuple[dict, bytes]]]:
    colour = [p for p in manifest["pages"] if p["mode"] == "RGB"]
    native = [(p, (base / p["image"]).read_bytes()) for p in colour if p["dpi"] == 200]
    rescanned = []
    for page in (p for p in colour if p["dpi"] == 300):
        with Image.open(base / page["image"]) as image:
            small = image.resize((round(image.width * 2 / 3), round(image.height * 2 / 3)),
                                 Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=75, dpi=(200, 200))
        rescanned.append((page, out.getvalue()))
    return {"native": native, "rescanned": rescanned}


def run_set(pages: list[tuple[dict, bytes]], work: Path, corpus: Path, manifest: Path,
            **settings: object) -> dict:
    services = build_services(Settings(data_dir=work / "data", **settings))
    texts, rereads = work / "texts", work / "rereads"
    texts.mkdir()
    rereads.mkdir()
    scanned = sum(len(data) for _, data in pages)
    try:
        for page, data in pages:
            batch = counter.prepare(services, [(f"{page['id']}.jpg", data)], owner=OWNER,
                                    force=True, viewer=SYSTEM)
            (record,) = counter.run(services, batch, actor="bench")
            read = services.vault.documents.read_file
            text = read(record.id, "text", viewer=SYSTEM).data
            (texts / f"{page['id']}.txt").write_bytes(text)
            # The page as kept, read again through the same pipeline.
            kept = read(record.id, "pdfa", viewer=SYSTEM).data
            again = digitise(validate([("kept.pdf", kept)], services.settings.intake.limits),
                             services.settings.ocr)
            (rereads / f"{page['id']}.txt").write_text(again.text, encoding="utf-8")
        stored = sum(info.size for info in services.blobs.list())
    finally:
        services.close()
    n = len(pages)
    return {
        "pages": n,
        "scan_kb_per_page": round(scanned / n / 1024, 1),
        "stored_kb_per_page": round(stored / n / 1024, 1),
        "cer_full_quality": _cer(corpus, manifest, texts),
        "cer_kept_page": _cer(corpus, manifest, rereads),
    }


def _cer(corpus: Path, manifest: Path, texts: Path) -> float:
    report = texts / "scores.json"
    subprocess.run([sys.executable, str(corpus / "score_ocr.py"), "--manifest", str(manifest),
                    "--ocr", str(texts), "--skip-missing", "--json", str(report)],
                   check=True, capture_output=True)
    return round(float(json.loads(report.read_text())["overall"]["cer"]), 4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    base = args.corpus / "public"
    if not (base / "manifest.json").exists():
        parser.error(f"no corpus at {base}: pass --corpus")
    manifest = json.loads((base / "manifest.json").read_text())
    results = {}
    baseline = {"keep_scanner_file": True, "ocr_kept_image_quality": 0}
    for name, pages in page_sets(manifest, base).items():
        results[name] = {}
        for variant, settings in (("sohoa", {}), ("scanner_file_kept", baseline)):
            with tempfile.TemporaryDirectory(prefix="sohoa-storage-") as tmp:
                print(f"digitising {len(pages)} {name} pages ({variant})…", file=sys.stderr)
                results[name][variant] = run_set(pages, Path(tmp), args.corpus,
                                                 base / "manifest.json", **settings)
        ours, theirs = results[name]["sohoa"], results[name]["scanner_file_kept"]
        results[name]["ratio_stored"] = round(ours["stored_kb_per_page"]
                                              / theirs["stored_kb_per_page"], 3)
        # Legibility: the kept page and the scan's own page, each read again the same way
        # (from the PDF/A); the counter's first reading is given beside them.
        results[name]["cer_points_kept_minus_scan"] = round(
            100 * (ours["cer_kept_page"] - theirs["cer_kept_page"]), 2)
        results[name]["goal_met"] = (ours["stored_kb_per_page"] <= 300
                                     and results[name]["cer_points_kept_minus_scan"] <= 0.1)
    print(json.dumps({
        "benchmark": "storage_per_page",
        "command": "bench/storage_per_page.py " + " ".join(sys.argv[1:]),
        "machine": {"cores": os.cpu_count()},
        "goal": {"kb_per_page": 300, "cer_points_within": 0.1},
        "sets": results,
        "notes": "stored = distinct blobs per page (sohoa: the signed PDF holding the PDF/A, "
                 "and the text; the baseline also holds the scan's JPEG, inside the signed "
                 "PDF); CER by score_ocr.py, of the counter's text and of the kept page "
                 "read again",
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
