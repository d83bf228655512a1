#!/usr/bin/env python3
"""Build the field-extraction truth from the corpus's source texts; kept as test data.

Written by hand-simple rules over ``../shared/corpus/public/sources/*.clean.txt``
(not with the extractor, so the truth does not share its mistakes):

- number/symbol: the text after "Số:" on its line (a blank number stays blank);
- issue date: "<place>, ngày D tháng M năm Y" — none when day or month is blank;
- issuing body: the capitals line right above the first "Căn cứ" (the enacting authority).

Pages carry these fields when the manifest says they show the header. Output:
``tests/fixtures/fields/corpus_fields.json`` and the header pages' truth texts.

    .venv/bin/python bench/field_truth.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "fields"


def document_truth(text: str) -> dict[str, str | None]:
    number = re.search(r"^Số:\s*(\S*)", text, re.M)
    dated = re.search(r"^[^,\n]+, ngày (\d*)\s*tháng (\d*)\s*năm (\d{4})", text, re.M)
    issue = None
    if dated and dated.group(1) and dated.group(2):
        issue = f"{int(dated.group(3)):04d}-{int(dated.group(2)):02d}-{int(dated.group(1)):02d}"
    lines = text.splitlines()
    first_basis = next(i for i, line in enumerate(lines) if line.startswith("Căn cứ"))
    return {
        "number_symbol": number.group(1) if number else None,
        "issue_date": issue,
        "issuing_body": lines[first_basis - 1].strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    public = args.corpus / "public"
    manifest = json.loads((public / "manifest.json").read_text())
    docs = {
        source["doc"]: document_truth((public / source["clean_text"]).read_text("utf-8"))
        for source in manifest["sources"]
    }
    pages = {page["id"]: {"doc": page["doc"], "profile": page["profile"],
                          "has_header": bool(page.get("has_header"))}
             for page in manifest["pages"]}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "corpus_fields.json").write_text(json.dumps(
        {"built_by": "bench/field_truth.py", "documents": docs, "pages": pages},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for page_id, page in pages.items():
        if page["has_header"]:
            shutil.copyfile(public / "truth" / f"{page_id}.txt", OUT / f"{page_id}.txt")
    print(json.dumps(docs, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
