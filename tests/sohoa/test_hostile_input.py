"""Hostile input against a running `sohoa serve`: refused with a 4xx, or processed safely.

The corpus (`tests.hostile`) holds over 30 malformed and malicious files —
truncated, encrypted and script-carrying PDFs, 10,000 pages, nesting 100,000
deep, decompression bombs in PNG, TIFF, JPEG, zlib and JBIG2, polyglots, wrong
extensions, file names with path traversal, control characters and invalid
UTF-8 — and the form fields get oversized values, invalid IDs and dates.

The bound stated and checked: the API process stays under `SERVER_PEAK_MB` of
resident memory through the whole corpus, because every look inside a file
happens in a child limited to 1 GiB of address space (``SOHOA_PARSE_MEMORY_MB``), and
the whole process tree (API, forkserver, parsing children, OCR workers) holds less
than `TREE_PEAK_MB` (its PSS, sampled as it runs; summed RSS is printed too); the
server answers /healthz afterwards, and a refused request stores nothing.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from kernel import Role
from signing import DevPki, dev_trust_services, operator_request, sign_pdf, verify_pdf
from sohoa.runtime import build_services
from sohoa.settings import Settings
from tests.hostile import (
    HostileFile,
    edited_scan,
    hostile_files,
    inflating,
    javascript_open_action,
    many_pages_pdf,
    pdf_stream,
    raw_pdf,
    scan_pdf,
)
from tests.inputs import first_page_text, image_bytes, text_page
from tests.service_fixtures import PASSWORD, STAFF, count_rows, make_account
from tests.sohoa.bad_inputs import GOOD_OWNER
from tests.sohoa.processes import ApiServer, TreeMemory
from tests.waiting import wait_until
from vault.models import Document

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

#: The API process's resident memory may not pass this, whatever it is sent.
SERVER_PEAK_MB = 600
#: The default SOHOA_INTAKE_TIMEOUT: no file of the corpus may take longer to answer.
INTAKE_TIMEOUT = 30
#: Nor may the API with all its children (forkserver, parsing sandbox, OCR) together.
TREE_PEAK_MB = 1024

CORPUS = hostile_files()


@contextmanager
def _serving(folder: Path) -> Iterator[tuple[ApiServer, Any]]:
    """A `sohoa serve` of its own, with its own database, blobs and temp folder."""
    (folder / "tmp").mkdir()
    env = {"SOHOA_DATA_DIR": str(folder / "data"),
           "SOHOA_DATABASE_URL": f"sqlite:///{folder / 'sohoa.db'}",
           "SOHOA_OCR_JOBS": "1", "TMPDIR": str(folder / "tmp"),
           "SOHOA_FSCK_ON_START": "false", "SOHOA_LOG_FORMAT": "json"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        services = build_services(Settings())
        make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
        process = ApiServer(env, folder / "server.log")
        try:
            yield process, services
        finally:
            process.stop()
            services.close()


def _staff_client(process: ApiServer) -> httpx.Client:
    with process.client() as anonymous:
        token = anonymous.post("/api/v1/auth/token", data={"username": STAFF,
                                                           "password": PASSWORD})
        assert token.status_code == 200, token.text
    return process.client({"Authorization": f"Bearer {token.json()['access_token']}"})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiServer, Any]]:
    with _serving(tmp_path_factory.mktemp("hostile")) as serving:
        yield serving


@pytest.fixture(scope="module")
def tree(server: tuple[ApiServer, Any]) -> Iterator[TreeMemory]:
    """The API's whole process tree, sampled from before the first hostile request."""
    process, _ = server
    sampler = TreeMemory(process.process.pid)
    yield sampler
    sampler.close()


@pytest.fixture(scope="module")
def client(server: tuple[ApiServer, Any]) -> Iterator[httpx.Client]:
    with _staff_client(server[0]) as http:
        yield http


def _document_count(services: Any) -> int:
    return count_rows(services, Document)


def _wait_for(client: httpx.Client, job_id: str, timeout: float = 300) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        job = client.get(f"/api/v1/jobs/{job_id}").json()["job"]
        return dict(job) if job["status"] in ("done", "failed") else None

    return wait_until(ended, timeout=timeout, what=f"job {job_id} to end")


def test_the_corpus_is_big_and_varied() -> None:
    assert len(CORPUS) >= 30
    assert len({case.case for case in CORPUS}) == len(CORPUS)
    assert {case.status for case in CORPUS} == {202, 400, 413, 415, 422}


def test_every_hostile_file_is_refused_with_a_4xx_or_processed_safely(
    server: tuple[ApiServer, Any], client: httpx.Client, tree: TreeMemory,
) -> None:
    process, services = server
    before = _document_count(services)
    answers: dict[str, tuple[int, dict[str, Any]]] = {}
    took: dict[str, float] = {}
    for case in CORPUS:
        started = time.monotonic()
        response = client.post("/api/v1/digitize", data={"owner": GOOD_OWNER},
                               files=[("files", (case.name, case.data, "application/pdf"))])
        answers[case.case] = (response.status_code, response.json())
        took[case.case] = time.monotonic() - started
    # Bombs included, every answer came within the intake timeout (SOHOA_INTAKE_TIMEOUT).
    slowest = max(took, key=took.__getitem__)
    print(f"slowest answer: {slowest} in {took[slowest]:.1f} s")
    assert took[slowest] < INTAKE_TIMEOUT + 5, took
    wrong = {name: answer for (name, answer), case in zip(answers.items(), CORPUS, strict=True)
             if not _as_expected(case, *answer)}
    assert not wrong, wrong
    # Refusals name the file and the problem.
    for case in CORPUS:
        status, body = answers[case.case]
        if status != 202:
            assert body["error"]["message"], case.case
    accepted = [answers[case.case][1]["job"]["id"] for case in CORPUS if case.status == 202]
    jobs = [_wait_for(client, job_id) for job_id in accepted]
    assert [job["status"] for job in jobs] == ["done"] * len(accepted), jobs
    # Exactly the accepted files became documents: nothing refused was stored.
    assert _document_count(services) == before + len(accepted)
    for job in jobs:
        for document in job["result"]["documents"]:
            _assert_safe_document(client, document["id"], services)
    assert client.get("/healthz").status_code == 200
    print(f"API process peak RSS: {process.peak_rss_kb() / 1024:.0f} MB")
    assert process.peak_rss_kb() < SERVER_PEAK_MB * 1024, process.peak_rss_kb()
    print(f"API process tree peak: RSS summed {tree.peak_kb / 1024:.0f} MB, "
          f"PSS {tree.peak_pss_kb / 1024:.0f} MB")
    # The tree's memory is its PSS: summed RSS counts every shared library (OpenCV, qpdf,
    # Python itself) once per process that maps it.
    assert tree.peak_pss_kb < TREE_PEAK_MB * 1024, tree.peak_pss_kb
    # Every hostile request was logged as a JSON line, uvicorn's own included, and the
    # owner's ID the requests carried appears nowhere in clear.
    client.get(f"/api/v1/owners/{GOOD_OWNER}/documents")
    lines = [line for line in process.log.read_text(encoding="utf-8").splitlines() if line]
    assert len(lines) > len(CORPUS)
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(entry)
    assert GOOD_OWNER not in process.log.read_text(encoding="utf-8")


def _as_expected(case: HostileFile, status: int, body: dict[str, Any]) -> bool:
    if status != case.status:
        return False
    return status == 202 or body.get("error", {}).get("code") in case.codes


def _assert_safe_document(client: httpx.Client, document_id: str, services: Any) -> None:
    detail = client.get(f"/api/v1/documents/{document_id}").json()["document"]
    for file in detail["files"]:
        name = file["filename"]
        assert "/" not in name and "\\" not in name and ".." not in name, name
        assert name.isprintable() and len(name) <= 200, name
        # The extension is the sniffed type's, whatever the upload was called.
        assert name.endswith(EXTENSIONS[file["media_type"].split(";")[0]]), file
    # Names and titles are stored NFC, without controls or direction overrides.
    title = detail["title"]
    assert unicodedata.is_normalized("NFC", title), title
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in title), title
    signed = client.get(f"/api/v1/documents/{document_id}/file", params={"variant": "signed"})
    assert signed.headers["content-type"] == "application/pdf"
    assert verify_pdf(signed.content, services.trust).valid
    # Every file (an original kept as received included) is served as a download that
    # no browser renders as a page of ours.
    for file in detail["files"]:
        served = client.get(f"/api/v1/documents/{document_id}/file",
                            params={"variant": file["role"], "part": file["part"]})
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-disposition"].startswith("attachment")


EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
              "text/plain": ".txt"}


#: (case, form fields, expected status, acceptable error codes)
FIELD_CASES: list[tuple[str, dict[str, str], int, set[str]]] = [
    ("id-11-digits", {"owner": "00109901234"}, 422, {"invalid_owner_id"}),
    ("id-13-digits", {"owner": "0010990123456"}, 422, {"invalid_owner_id"}),
    ("id-arabic-indic-digits", {"owner": "٠٠١٠٩٩٠١٢٣٤٥"}, 422, {"invalid_owner_id"}),
    ("id-fullwidth-digits", {"owner": "００１０９９０１２３４５"}, 422, {"invalid_owner_id"}),
    ("id-unknown-province", {"owner": "999099012345"}, 422, {"invalid_owner_id"}),
    ("id-sql", {"owner": "1' OR '1'='1"}, 422, {"invalid_owner_id"}),
    # A personal ID two digits short is no company's tax code when the form says citizen.
    ("id-short-for-a-citizen", {"owner": "0310123467", "owner_kind": "citizen"}, 422,
     {"invalid_owner_id"}),
    ("id-of-a-citizen-for-an-organisation", {"owner": GOOD_OWNER,
                                             "owner_kind": "organisation"}, 422,
     {"invalid_owner_id"}),
    ("owner-kind-unknown", {"owner": GOOD_OWNER, "owner_kind": "alien"}, 422,
     {"invalid_request"}),
    ("id-trailing-newline-and-more", {"owner": "001099012345\n001"}, 422,
     {"invalid_owner_id"}),
    ("id-oversized", {"owner": "0" * 100_000}, 422, {"invalid_request"}),
    ("title-oversized", {"owner": GOOD_OWNER, "title": "Đ" * 100_000}, 422,
     {"invalid_request"}),
    ("operator-oversized", {"owner": GOOD_OWNER, "operator": "x" * 5_000}, 422,
     {"invalid_request"}),
    ("field-over-a-megabyte", {"owner": GOOD_OWNER, "operator": "x" * 2_000_000}, 400,
     {"http_error", "invalid_request"}),
    ("declared-pages-negative", {"owner": GOOD_OWNER, "declared_pages": "-1"}, 422,
     {"invalid_request"}),
    ("declared-pages-huge", {"owner": GOOD_OWNER, "declared_pages": "9" * 40}, 422,
     {"invalid_request"}),
    ("dossier-path-traversal", {"owner": GOOD_OWNER, "dossier": "../../../etc/passwd"}, 404,
     {"not_found"}),
]


@pytest.mark.parametrize(("case", "fields", "status", "codes"), FIELD_CASES,
                         ids=[c[0] for c in FIELD_CASES])
def test_bad_fields_are_refused_and_store_nothing(
    server: tuple[ApiServer, Any], client: httpx.Client, case: str, fields: dict[str, str],
    status: int, codes: set[str],
) -> None:
    _, services = server
    before = _document_count(services)
    response = client.post("/api/v1/digitize", data=fields,
                           files=[("files", ("scan.pdf", scan_pdf(), "application/pdf"))])
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] in codes
    assert GOOD_OWNER not in response.text
    assert _document_count(services) == before


def test_a_file_name_of_invalid_utf8_is_replaced_not_trusted(client: httpx.Client) -> None:
    """A multipart header with bytes no decoder accepts: the scan is filed under a safe name."""
    boundary = "sohoa-hostile"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n"
            f"{GOOD_OWNER}\r\n--{boundary}\r\n").encode()
    body += (b'Content-Disposition: form-data; name="files"; filename="\xff\xfe\xc3\x28'
             b'../\x80.pdf"\r\nContent-Type: application/pdf\r\n\r\n' + scan_pdf()
             + f"\r\n--{boundary}--\r\n".encode())
    response = client.post("/api/v1/digitize", content=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 202, response.text
    job = _wait_for(client, response.json()["job"]["id"])
    assert job["status"] == "done", job
    document = client.get(f"/api/v1/documents/{job['result']['documents'][0]['id']}").json()
    for file in document["document"]["files"]:
        assert file["filename"].isprintable() and "/" not in file["filename"]


def test_a_line_break_in_a_file_name_cannot_smuggle_headers_into_the_file(
    server: tuple[ApiServer, Any], client: httpx.Client,
) -> None:
    """A raw CR/LF in the quoted name ends the part's headers early: what follows (an HTML
    content type, a script) becomes the start of the file, which is then no scan."""
    _, services = server
    before = _document_count(services)
    boundary = "sohoa-crlf"
    png = image_bytes(text_page(200, mode="RGB"), "PNG", 200)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n"
            f"{GOOD_OWNER}\r\n--{boundary}\r\n").encode()
    body += (b'Content-Disposition: form-data; name="files"; filename="a.png\r\n'
             b'Content-Type: text/html\r\n\r\n<script>alert(1)</script>"\r\n'
             b"Content-Type: image/png\r\n\r\n" + png + f"\r\n--{boundary}--\r\n".encode())
    response = client.post("/api/v1/digitize", content=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code in (400, 415, 422), response.text
    assert response.json()["error"]["message"]
    assert _document_count(services) == before


def test_an_already_signed_pdf_is_kept_as_it_is_validated_and_digitised(
    server: tuple[ApiServer, Any], client: httpx.Client, tmp_path: Path,
) -> None:
    """A paper signed through VNeID or by a public CA arrives as a signed PDF: its bytes
    are the original, its signatures are validated and reported (a signature from a CA
    we do not trust is reported as such, not refused), and the OCR'd PDF/A the operator
    signs is made from an unsigned rendering of it."""
    _, services = server
    signed_here = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    trusted = sign_pdf(scan_pdf(), operator_request(
        services.operator_key("Trần Thị Ký"), services.stamp_font(), "Trần Thị Ký",
        signed_here), services.trust)
    stranger = DevPki(tmp_path / "pki", agency_name="Cơ quan lạ")
    untrusted = sign_pdf(scan_pdf(), operator_request(
        stranger.key_source(stranger.operator("Người Lạ")), services.stamp_font(), "Người Lạ",
        signed_here), dev_trust_services(stranger))
    for data, signer, valid in ((trusted, "Trần Thị Ký", True), (untrusted, "Người Lạ", False)):
        response = client.post("/api/v1/digitize", data={"owner": GOOD_OWNER},
                               files=[("files", ("signed.pdf", data, "application/pdf"))])
        assert response.status_code == 202, response.text
        job = _wait_for(client, response.json()["job"]["id"])
        assert job["status"] == "done", job.get("error")
        document_id = job["result"]["documents"][0]["id"]
        detail = client.get(f"/api/v1/documents/{document_id}").json()["document"]
        (report,) = detail["input_signatures"]
        assert report["part"] == 1 and report["valid"] is valid, report
        assert signer in report["signatures"][0]["signer"]
        # The original is the file as received, and its signature still holds.
        original = client.get(f"/api/v1/documents/{document_id}/file",
                              params={"variant": "original"}).content
        assert original == data
        path = tmp_path / "original.pdf"
        path.write_bytes(original)
        pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
        assert "Signature is Valid" in pdfsig.stdout, pdfsig.stdout
        # The copy the operator signed is searchable and carries the operator's signature.
        copy = client.get(f"/api/v1/documents/{document_id}/file",
                          params={"variant": "signed"}).content
        assert verify_pdf(copy, services.trust).valid
        assert "QUYẾT ĐỊNH" in first_page_text_of(copy, tmp_path)


def first_page_text_of(pdf: bytes, folder: Path) -> str:
    path = folder / "copy.pdf"
    path.write_bytes(pdf)
    return first_page_text(path)


def test_a_200_megabyte_json_body_is_refused_before_it_is_read(
    server: tuple[ApiServer, Any], client: httpx.Client,
) -> None:
    """The probe's record PUT took 167 s to answer 200 to a 200 MB JSON body. The limit
    (SOHOA_MAX_BODY_BYTES) answers 413 on the declared length, having read a few KB."""
    process, _ = server
    token = client.headers["Authorization"]
    head = (f"PUT /api/v1/documents/x/record HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {200 * 1024 * 1024}\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", process.port), timeout=30) as connection:
        connection.sendall(head + b'{"summary": "' + b"A" * 65_536)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65_536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"body_too_large" in answer
    assert time.monotonic() - started < 10


def test_impossible_dates_are_refused(client: httpx.Client) -> None:
    response = client.post("/api/v1/digitize", data={"owner": GOOD_OWNER},
                           files=[("files", ("scan.pdf", scan_pdf(), "application/pdf"))])
    job = _wait_for(client, response.json()["job"]["id"])
    document_id = job["result"]["documents"][0]["id"]
    for issue_date in ("2024-02-30", "2024-13-01", "0000-00-00", "99999-01-01", "yesterday",
                       "2999-01-01", "1200-01-01"):
        answer = client.put(f"/api/v1/documents/{document_id}/record",
                            json={"issue_date": issue_date})
        assert answer.status_code == 422, (issue_date, answer.text)
        assert answer.json()["error"]["code"] in ("invalid_request", "invalid_record_value")
    record = client.get(f"/api/v1/documents/{document_id}").json()["document"]
    assert record["record"]["issue_date"] in (None, "")


def _stream_bomb_pdf() -> bytes:
    """A stream that no page uses, 2 GB once inflated: the verifier's parser would read it."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        pdf_stream(inflating(2048), b"/Filter /FlateDecode"),
    ])


@pytest.mark.parametrize(("case", "data", "status", "code"), [
    ("stream-bomb", _stream_bomb_pdf(), 422, "parse_limit_exceeded"),
    ("ten-thousand-pages", many_pages_pdf(), 413, "too_many_pages"),
    ("not-a-pdf", b"MZ\x90\x00" * 100, 422, "not_a_pdf"),
    ("javascript", edited_scan(javascript_open_action), 200, ""),
], ids=["stream-bomb", "ten-thousand-pages", "not-a-pdf", "javascript"])
def test_verification_parses_untrusted_pdfs_in_the_sandbox(
    server: tuple[ApiServer, Any], client: httpx.Client, tree: TreeMemory, case: str,
    data: bytes, status: int, code: str,
) -> None:
    process, _ = server
    response = client.post("/api/v1/verify", files={"file": ("x.pdf", data, "application/pdf")})
    assert response.status_code == status, response.text
    if code:
        assert response.json()["error"]["code"] == code
    else:
        assert response.json()["valid"] is False  # no signature: nothing to trust
    assert process.peak_rss_kb() < SERVER_PEAK_MB * 1024
    assert tree.peak_pss_kb < TREE_PEAK_MB * 1024, tree.peak_pss_kb


def test_nothing_is_left_in_the_temp_folder_after_shutdown(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A server of its own, sent one file of each answer the corpus expects (an accepted
    # scan read by OCR; a refused, an oversized, an unsupported and an invalid one, some
    # of them parsing children killed at their limits): once it stops, the uploads copied
    # to temp for a parse, OCR work folders and multiprocessing's own are all gone.
    sample = {case.status: case for case in reversed(CORPUS)}
    bombs = [case for case in CORPUS if "bomb" in case.case][:2]
    # A short folder name: multiprocessing's forkserver socket lives in TMPDIR, and a
    # Unix socket's path may not pass 107 bytes.
    folder = tmp_path_factory.mktemp("tmpcheck")
    with _serving(folder) as (process, _), _staff_client(process) as http:
        accepted = []
        for case in [*sample.values(), *bombs]:
            answer = http.post("/api/v1/digitize", data={"owner": GOOD_OWNER},
                               files=[("files", (case.name, case.data, "application/pdf"))])
            assert answer.status_code == case.status, (case.case, answer.text)
            if answer.status_code == 202:
                accepted.append(answer.json()["job"]["id"])
        assert accepted and all(_wait_for(http, job)["status"] == "done" for job in accepted)
        process.stop()
    assert sorted(p.name for p in (folder / "tmp").iterdir()) == []
