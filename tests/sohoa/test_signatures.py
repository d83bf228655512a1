"""``sohoa sign``, ``sohoa verify`` and ``POST /api/v1/verify`` on the embedded default
(development PKI and TSA, no network). Issue 4 items 4–5."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import crl
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.services import Services
from tests.inputs import image_bytes, image_pdf, text_page

runner = CliRunner()


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf(image_bytes(text_page(200), "JPEG", 200)))
    return path


def _cli(args: list[str], data_env: Path) -> Any:
    return runner.invoke(app, args, env={"SOHOA_DATA_DIR": str(data_env),
                                         "SOHOA_AGENCY_NAME": "UBND xã Tân Thành"})


def test_sign_as_agency_then_verify_reports_the_level_in_vietnamese(
        data_env: Path, scan: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.pdf"
    signed = _cli(["sign", str(scan), "-o", str(out), "--as", "agency", "--copy-form", "sao y"],
                  data_env)
    assert signed.exit_code == 0, signed.output
    assert "B-LTA" in signed.output
    shown = _cli(["verify", str(out)], data_env)
    assert shown.exit_code == 0, shown.output
    for words in ("Người ký: UBND xã Tân Thành", "Mức chữ ký: PAdES B-LTA", "Dấu thời gian:",
                  "Thu hồi: chưa bị thu hồi (đã kiểm tra)", "KẾT LUẬN: chữ ký hợp lệ"):
        assert words in shown.output
    as_json = json.loads(_cli(["verify", str(out), "--json"], data_env).stdout)
    assert as_json["valid"] and as_json["signatures"][0]["level"] == "B-LTA"


def test_sign_as_operator_at_a_chosen_level(data_env: Path, scan: Path, tmp_path: Path) -> None:
    out = tmp_path / "op.pdf"
    result = _cli(["sign", str(scan), "-o", str(out), "--as", "operator", "--signer",
                   "Lê Thị Hoa", "--level", "b-b", "--json"], data_env)
    assert result.exit_code == 0, result.output
    signature = json.loads(result.stdout)["signature"]
    assert signature["level"] == "B-B" and signature["signer"] == "Lê Thị Hoa (DEV ONLY)"


def test_sign_refuses_bad_options_with_a_reason_and_writes_nothing(
        data_env: Path, scan: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.pdf"
    cases = [
        (["--level", "B-X"], "B-LTA"),
        (["--copy-form", "BẢN CHỤP"], "SAO Y"),
        (["--as", "result"], "ảnh chữ ký"),
        (["--as", "result", "--at", "giữa trang"], "TRANG,X,Y"),
    ]
    for extra, reason in cases:
        result = _cli(["sign", str(scan), "-o", str(out), *extra], data_env)
        assert result.exit_code != 0, extra
        assert reason in result.output, (extra, result.output)
        assert not out.exists()


def test_verify_exits_non_zero_for_a_tampered_file(data_env: Path, scan: Path,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "copy.pdf"
    assert _cli(["sign", str(scan), "-o", str(out)], data_env).exit_code == 0
    data = bytearray(out.read_bytes())
    data[len(data) // 4] ^= 0x01
    out.write_bytes(bytes(data))
    result = _cli(["verify", str(out)], data_env)
    assert result.exit_code == 1
    assert "KHÔNG hợp lệ" in result.output


def test_api_verify_answers_for_any_uploaded_pdf(services: Services, scan: Path,
                                                 client: TestClient) -> None:
    from sohoa.usecases.signatures import SignOptions, sign_document

    signed = sign_document(services, scan.read_bytes(), SignOptions())
    good = client.post("/api/v1/verify", files={"file": ("a.pdf", signed, "application/pdf")})
    assert good.status_code == 200
    body = good.json()
    assert body["valid"] and body["signatures"][0]["level"] == "B-LTA"
    assert body["verdict"].startswith("Tất cả")
    plain = client.post("/api/v1/verify",
                        files={"file": ("b.pdf", scan.read_bytes(), "application/pdf")})
    assert plain.status_code == 200 and plain.json()["signed"] is False
    junk = client.post("/api/v1/verify", files={"file": ("c.pdf", b"not a pdf", "text/plain")})
    assert junk.status_code == 422 and junk.json()["error"]["code"] == "not_a_pdf"
    assert "/api/v1/verify" in client.get("/openapi.json").json()["paths"]
    # The CRL the development certificates point at is served.
    listed = client.get("/pki/dev-root.crl")
    assert listed.status_code == 200
    assert crl.CertificateList.load(listed.content)["tbs_cert_list"]["next_update"].native


def test_api_verify_refuses_a_file_over_the_limit(services: Services, client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "settings", services.settings.replaced(max_file_bytes=1000))
    big = client.post("/api/v1/verify", files={"file": ("a.pdf", b"%PDF" + b"0" * 2000,
                                                        "application/pdf")})
    assert big.status_code == 413 and big.json()["error"]["code"] == "file_too_large"
