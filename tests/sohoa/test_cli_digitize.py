"""``sohoa digitize`` on a corpus dossier: the whole counter path on real parts.

One OCR run (3 pages) serves every assertion of the module.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageChops
from rapidfuzz.distance import Levenshtein
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.runtime import build_services
from sohoa.settings import Settings
from tests.conftest import FIXTURES
from tests.inputs import first_page_text
from tests.service_fixtures import snapshot_of
from tests.sohoa.bad_inputs import bad_cases

OWNER = "001099012345"
OPERATOR = "Trần Thị Hồng Nhung"
DOSSIER = FIXTURES / "dossier_05.pdf"
TRUTH_PAGES = ["d001_p04", "d001_p05", "d001_p06"]

runner = CliRunner()


@dataclass
class Filed:
    data_dir: Path
    summary: dict[str, Any]
    signed: Path
    pdfa: Path
    original: Path
    text: Path


def _invoke(args: list[str], data_dir: Path) -> Any:
    # The scanner's files kept too, as a records office may choose: this module checks
    # the original beside the copies.
    return runner.invoke(app, args, env={"SOHOA_DATA_DIR": str(data_dir), "SOHOA_OCR_JOBS": "2",
                                         "SOHOA_KEEP_SCANNER_FILE": "true"})


@pytest.fixture(scope="module")
def filed(tmp_path_factory: pytest.TempPathFactory) -> Filed:
    work = tmp_path_factory.mktemp("cli")
    data_dir = work / "data"
    result = _invoke(["digitize", str(DOSSIER), "--owner", OWNER, "--operator", OPERATOR,
                      "--json"], data_dir)
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)["documents"]
    paths = {}
    for variant in ("signed", "pdfa", "original", "text"):
        paths[variant] = work / f"out.{variant}"
        got = _invoke(["vault", "get", OWNER, summary["id"], "--variant", variant, "-o",
                       str(paths[variant])], data_dir)
        assert got.exit_code == 0, got.output
    return Filed(data_dir, summary, **paths)


def test_json_summary_describes_the_filed_document(filed: Filed) -> None:
    s = filed.summary
    assert s["owner"] == OWNER and s["pages"] == 3 and s["signed"] is True
    assert s["text_chars"] > 4000
    import hashlib

    assert s["sha256"] == hashlib.sha256(filed.signed.read_bytes()).hexdigest()


def test_original_is_kept_byte_for_byte(filed: Filed) -> None:
    # REGULATIONS 9.A.3: the colour scan is kept untouched as the original.
    assert filed.original.read_bytes() == DOSSIER.read_bytes()


def test_pdfsig_finds_a_valid_signature_over_an_unmodified_document(filed: Filed) -> None:
    report = subprocess.run(["pdfsig", str(filed.signed)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report
    assert "Total document signed" in report


def test_sohoa_verify_accepts_it(filed: Filed) -> None:
    result = _invoke(["verify", str(filed.signed), "--json"], filed.data_dir)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] and report["signatures"][0]["intact"]


def test_signed_copy_is_pdfa_2b_with_all_pages(filed: Filed) -> None:
    with pikepdf.open(filed.signed) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        assert len(pdf.pages) == 3  # REGULATIONS 9.A.4: page count equals the original's


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_text_layer_reads_within_2_percent_cer(filed: Filed) -> None:
    truth = " ".join(_normalise((FIXTURES / "truth" / f"{p}.txt").read_text()) for p in TRUTH_PAGES)
    text = subprocess.run(["pdftotext", "-raw", str(filed.signed), "-"], capture_output=True,
                          text=True, check=True).stdout
    # The operator stamp is not page text: leave its two lines out of the comparison.
    body = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("Người số hóa:", "Thời gian quét:")))
    cer = Levenshtein.distance(_normalise(body), truth) / len(truth)
    assert cer <= 0.02, f"CER {cer:.3%}"


def test_stored_text_is_the_recognised_text_per_page(filed: Filed) -> None:
    pages = filed.text.read_text(encoding="utf-8").split("\f")
    assert len([p for p in pages if p.strip()]) == 3
    assert "QUYẾT ĐỊNH" in filed.text.read_text() or "Điều" in filed.text.read_text()


def _render(pdf: Path, out: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", "-png", str(pdf),
                    str(out)], check=True)
    return Image.open(next(out.parent.glob(out.name + "*.png"))).convert("L")


def test_operator_stamp_is_drawn_at_the_top_left_of_page_1(filed: Filed, tmp_path: Path) -> None:
    # REGULATIONS 9.A.7: name + scan time, top-left of the first page.
    before = _render(filed.pdfa, tmp_path / "pdfa")
    after = _render(filed.signed, tmp_path / "signed")
    box = ImageChops.difference(before, after).point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None, "signing drew nothing on page 1"
    width, height = after.size
    left, top, right, bottom = box
    assert left < width * 0.1 and top < height * 0.05, box
    assert right < width * 0.5 and bottom < height * 0.1, box


def test_stamp_text_is_extractable_with_diacritics(filed: Filed) -> None:
    text = first_page_text(filed.signed)
    assert f"Người số hóa: {OPERATOR}" in text
    assert "Thời gian quét:" in text and "(UTC+07:00)" in text


def test_vault_ls_lists_it(filed: Filed) -> None:
    result = _invoke(["vault", "ls", OWNER, "--json"], filed.data_dir)
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == [filed.summary["id"]]


def test_someone_elses_document_is_not_found(filed: Filed, tmp_path: Path) -> None:
    result = _invoke(["vault", "get", "079199000111", filed.summary["id"], "-o",
                      str(tmp_path / "x")], filed.data_dir)
    assert result.exit_code != 0
    assert "not_found" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("case", "name", "data", "owner", "code"), bad_cases(),
                         ids=[c[0] for c in bad_cases()])
def test_bad_input_is_refused_and_nothing_is_stored(
    case: str, name: str, data: bytes, owner: str, code: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    services = build_services(Settings(data_dir=data_dir))
    before = snapshot_of(services)
    services.close()
    path = tmp_path / name
    path.write_bytes(data)
    result = _invoke(["digitize", str(path), "--owner", owner, "--json"], data_dir)
    assert result.exit_code != 0
    assert json.loads(result.stdout)["error"]["code"] == code
    services = build_services(Settings(data_dir=data_dir))
    try:
        assert snapshot_of(services) == before
    finally:
        services.close()
