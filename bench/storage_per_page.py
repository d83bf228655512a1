#!/usr/bin/env python3
"""Benchmark: stored bytes per page of a colour 200-dpi A4 page, and its CER.

Each colour page of the corpus scanned at 200 dpi is digitised through the
counter (intake, capture checks, OCR, PDF/A, operator signature, extraction)
into a fresh embedded service (SQLite, local blob folder), as a one-page
document. Two sets:

- ``native``: the corpus's own 200-dpi colour JPEGs, byte for byte;
- ``rescanned``: the 300-dpi colour pages resampled to 200 dpi and saved as a
  scanner would (JPEG quality 75).

"Stored" is what the blob store holds (distinct blobs on disk). The baseline
in the same run is the sum of every file's size — what storing each file as
its own blob (original, PDF/A, signed PDF, text) would take. CER is scored by
the corpus's ``score_ocr.py`` on the same pages.

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

from sohoa.runtime import build_services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from sohoa.usecases import counter  # noqa: E402

OWNER = "0100109106"


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


def run_set(pages: list[tuple[dict, bytes]], work: Path, corpus: Path, manifest: Path) -> dict:
    settings = Settings(data_dir=work / "data")
    services = build_services(settings)
    texts = work / "texts"
    texts.mkdir()
    scanned = sum(len(data) for _, data in pages)
    try:
        every_file = 0
        for page, data in pages:
            batch = counter.prepare(services, [(f"{page['id']}.jpg", data)], owner=OWNER,
                                    force=True)
            (record,) = counter.run(services, batch, actor="bench")
            every_file += sum(f.size for f in record.files)
            text = services.vault.documents.read_file(record.id, "text", actor="bench").data
            (texts / f"{page['id']}.txt").write_bytes(text)
        stored = sum(info.size for info in services.blobs.list())
    finally:
        services.close()
    report = texts / "scores.json"
    subprocess.run([sys.executable, str(corpus / "score_ocr.py"), "--manifest", str(manifest),
                    "--ocr", str(texts), "--skip-missing", "--json", str(report)],
                   check=True, capture_output=True)
    cer = json.loads(report.read_text())["overall"]["cer"]
    n = len(pages)
    return {
        "pages": n,
        "scan_kb_per_page": round(scanned / n / 1024, 1),
        "stored_kb_per_page": round(stored / n / 1024, 1),
        "baseline_every_file_kb_per_page": round(every_file / n / 1024, 1),
        "ratio_stored_to_baseline": round(stored / every_file, 3),
        "cer": round(cer, 4),
    }


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
    for name, pages in page_sets(manifest, base).items():
        with tempfile.TemporaryDirectory(prefix="sohoa-storage-") as tmp:
            print(f"digitising {len(pages)} {name} pages…", file=sys.stderr)
            results[name] = run_set(pages, Path(tmp), args.corpus, base / "manifest.json")
    print(json.dumps({
        "benchmark": "storage_per_page",
        "machine": {"cores": os.cpu_count()},
        "goal_kb_per_page": 300,
        "sets": results,
        "notes": "stored = distinct blobs (signed PDF holding the PDF/A and a JPEG scan, plus "
                 "the text); baseline = every file as its own blob; CER by score_ocr.py",
    }, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
