"""A counter node keeps digitising while the centre is out of reach, and catches up.

The real thing: two `sohoa serve` processes, each with its own database, storage
and development PKI — the centre, and a counter node whose settings name the
centre — and a TCP link between them that the test cuts. The centre trusts the
node's root certificate, as a province's centre trusts the CA of its counters'
operator keys.

REGULATIONS 9.A (the electronic copy is the signed one): the centre files a
node's document only if the operator's signature made on the node verifies there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kernel import Role, parse_owner_id
from signing import verify_pdf
from sohoa.runtime import build_services
from sohoa.settings import Settings
from sohoa.usecases.sync.models import SentDocument
from sohoa.usecases.sync.outbox import Outbox, read_bundle
from sohoa.usecases.sync.receive import intake_key
from tests.inputs import image_bytes, text_page
from tests.link import CuttableLink
from tests.service_fixtures import PASSWORD, STAFF, SYSTEM, make_account
from tests.services import free_port
from tests.sohoa.processes import SOHOA, ApiServer
from tests.waiting import wait_until
from vault.models import Document

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"
DOCUMENTS = 20
NODE_ACCOUNT = "diem-mot-cua-3"
SYNC_PATH = b"POST /api/v1/sync/documents"
#: Cheap OCR: the preparation stages are each a setting; what is under test is the link.
QUICK_OCR = {"SOHOA_OCR_ROTATE_PAGES": "false", "SOHOA_OCR_DESKEW": "false",
             "SOHOA_OCR_PERSPECTIVE": "false", "SOHOA_OCR_NORMALISE_BACKGROUND": "false",
             "SOHOA_OCR_SUPPRESS_COLOUR": "false", "SOHOA_OCR_JOBS": "1",
             "SOHOA_FSCK_ON_START": "false"}


def _page(number: int) -> bytes:
    page = text_page(200, lines=[f"Giấy tờ số {number}", "Ủy ban nhân dân xã thử nghiệm"])
    return image_bytes(page.crop((0, 0, page.width // 2, page.height // 2)), "PNG", 200)


def _settings_env(folder: Path, **extra: str) -> dict[str, str]:
    return {"SOHOA_DATA_DIR": str(folder / "data"),
            "SOHOA_DATABASE_URL": f"sqlite:///{folder / 'sohoa.db'}", **QUICK_OCR, **extra}


def _services(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        return build_services(Settings(), start_jobs=False)


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Node first (its PKI is made on first start), then the centre trusting its root."""
    # The node's certificates point at its own CRL (the development PKI's, served by the
    # node), which the centre fetches when it checks the operator's signature.
    node_port = free_port()
    node_env = _settings_env(tmp_path / "node",
                             SOHOA_PUBLIC_URL=f"http://127.0.0.1:{node_port}")
    node = _services(node_env, monkeypatch)
    make_account(node, STAFF, Role.STAFF, agency=node.settings.agency.code)
    node_root = node.settings.pki_dir / "root.cert.pem"
    node.pki.trust_roots()  # makes the root now, so the centre can be told to trust it
    assert node_root.exists()

    centre_env = _settings_env(tmp_path / "centre", SOHOA_TRUST_ROOTS=str(node_root))
    centre = _services(centre_env, monkeypatch)
    account = make_account(centre, NODE_ACCOUNT, Role.STAFF, agency=centre.settings.agency.code)
    centre_process = ApiServer(centre_env, tmp_path / "centre.log")
    link = CuttableLink(centre_process.port)
    node_env |= {"SOHOA_CENTRAL_URL": link.url, "SOHOA_CENTRAL_USERNAME": NODE_ACCOUNT,
                 "SOHOA_CENTRAL_PASSWORD": PASSWORD, "SOHOA_SYNC_INTERVAL_SECONDS": "0.5",
                 "SOHOA_SYNC_RETRY_MAX_SECONDS": "2", "SOHOA_SYNC_TIMEOUT_SECONDS": "30"}
    node_process = ApiServer(node_env, tmp_path / "node.log", port=node_port)
    try:
        yield {"node": node, "centre": centre, "link": link, "node_process": node_process,
               "node_account": account, "node_env": node_env,
               "centre_log": tmp_path / "centre.log"}
    finally:
        node_process.stop()
        centre_process.stop()
        link.close()
        node.close()
        centre.close()


def _token(server: ApiServer, username: str) -> dict[str, str]:
    with server.client() as client:
        answer = client.post("/api/v1/auth/token", data={"username": username,
                                                         "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class Counter:
    """The officer at the node's counter, scanning one paper after another."""

    def __init__(self, node: ApiServer) -> None:
        self.node = node
        self.jobs: list[str] = []
        self.refused: list[str] = []

    def run(self) -> None:
        with self.node.client(_token(self.node, STAFF)) as counter:
            for number in range(DOCUMENTS):
                answer = counter.post("/api/v1/digitize", data={"owner": OWNER},
                                      headers={"Idempotency-Key": f"so-{number}"},
                                      files=[("files", (f"so-{number}.png", _page(number),
                                                        "image/png"))])
                if answer.status_code == 202:
                    self.jobs.append(answer.json()["job"]["id"])
                else:
                    self.refused.append(answer.text)


def test_link_cut_mid_batch_every_document_reaches_the_centre_once(
    system: dict[str, Any],
) -> None:
    """Issue 8, must-show: the link to the centre is cut in the middle of a 20-document
    batch — as the centre answers the 7th upload, so the centre has filed it and the
    node never hears — and stays down while the counter goes on scanning; after it
    returns every document is in the centre's vault exactly once."""
    node, centre, link = system["node"], system["centre"], system["link"]
    node_process: ApiServer = system["node_process"]
    link.cut_at_answer(SYNC_PATH, 7)
    counter = Counter(node_process)
    scanning = threading.Thread(target=counter.run, daemon=True)
    scanning.start()
    with node_process.client(_token(node_process, STAFF)) as staff:
        def status() -> dict[str, Any]:
            answer = staff.get("/api/v1/sync/status")
            assert answer.status_code == 200, answer.text
            return answer.json()  # type: ignore[no-any-return]

        def filed() -> int:
            return len(list(node.vault.documents.list_documents(parse_owner_id(OWNER), viewer=SYSTEM)))

        wait_until(lambda: link.cuts, timeout=300, what="the 7th upload, where the link is cut")
        cut_with = filed()
        # Down: the node says so and keeps the documents; the counter goes on scanning.
        down = wait_until(lambda: (s := status())["link"] == "down" and s, timeout=60,
                          what="the node to notice")
        assert down["pending"] > 0 and down["last_error"]
        # The counter's screens say so too, and that the work is kept.
        token = staff.headers["Authorization"].removeprefix("Bearer ")
        screen = httpx.get(f"{node_process.url}/counter", cookies={"sohoa_session": token})
        assert screen.status_code == 200 and "Mất kết nối với trung tâm" in screen.text
        # `sohoa sync` on the node says the same, and exits 1.
        command = subprocess.run([SOHOA, "sync", "--json"], env={**os.environ, **system["node_env"]},
                                 capture_output=True, text=True, timeout=120)
        assert command.returncode == 1, command.stderr
        report = json.loads(command.stdout)
        assert report["link_down"] and report["pending"] > 0 and report["sent"] == 0
        wait_until(lambda: filed() >= min(DOCUMENTS, cut_with + 3), timeout=300,
                   what="the node to go on filing while the centre is away")
        assert not link.up
        link.restore()
        scanning.join(timeout=300)
        assert len(counter.jobs) == DOCUMENTS and not counter.refused, counter.refused
        wait_until(lambda: all(staff.get(f"/api/v1/jobs/{job}").json()["job"]["status"]
                               == "done" for job in counter.jobs),
                   timeout=600, what="the node to digitise the batch")
        wait_until(lambda: status()["pending"] == 0, timeout=300, what="the outbox to empty")
        final = status()
    assert final["sent"] == DOCUMENTS and final["refused"] == [] and final["link"] == "up"
    assert link.cuts == 1

    with node.sessions() as session:
        local = list(session.scalars(select(Document.id)))
        sent = {row.document_id: row for row in session.scalars(select(SentDocument))}
    assert len(local) == DOCUMENTS
    # The 7th upload was filed at the centre (201) but its answer was lost: sent again,
    # it was answered "filed before" (200). Nothing else reached the centre twice.
    answers = re.findall(r"POST /api/v1/sync/documents (\d{3}) ",
                         system["centre_log"].read_text())
    assert sorted(answers) == ["200"] + ["201"] * DOCUMENTS, answers
    with centre.sessions() as session:
        at_centre = {key: document_id for key, document_id
                     in session.execute(select(Document.intake_key, Document.id))}
    # Every page in the centre's vault exactly once: one document per node document.
    account = system["node_account"]
    assert len(at_centre) == DOCUMENTS
    assert set(at_centre) == {intake_key(account.id, document_id) for document_id in local}
    for document_id in local:
        central_id = sent[document_id].central_id
        assert central_id == at_centre[intake_key(account.id, document_id)]
        original = read_bundle(node, document_id)
        signed = centre.vault.documents.read_file(central_id, "signed", viewer=SYSTEM)
        assert signed.data == original.signed  # the operator's signature made on the node
        assert verify_pdf(signed.data, centre.trust).valid, document_id
        assert centre.vault.documents.read_file(central_id, "pdfa", viewer=SYSTEM).data \
            == original.pdfa
    assert Outbox(node.sessions).due() == []
