"""The centre's intake of a counter node's documents: filed once, checked, refused cleanly.

The end-to-end run with two processes and a cut link is test_counter_node; here
the centre's checks one by one, on both engines: a node's bundle is filed with
the same files as on the node, a resend returns the first document, and a bundle
whose files do not match its manifest or whose operator signature does not hold
is refused with a named 4xx and nothing stored.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kernel import Role
from sohoa.cli import app
from sohoa.services import Services
from sohoa.usecases.sync.bundle import Bundle
from sohoa.usecases.sync.outbox import read_bundle
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import STAFF, SYSTEM, Snapshot, login, make_account
from tests.sohoa.test_sync_link import BUNDLE

OWNER = "001099012345"
NODE = "diem-mot-cua-1"


@pytest.fixture
def bundle(client: TestClient, services: Services) -> Bundle:
    """A document digitised, signed and filed here, read back as a node sends it."""
    page = image_bytes(text_page(200), "PNG", 200)
    answer = client.post("/api/v1/digitize", data={"owner": OWNER, "operator": "Lê Thị Hoa"},
                         files=[("files", ("giay-khai-sinh.png", page, "image/png"))])
    assert answer.status_code == 202, answer.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{answer.json()['job']['id']}").json()["job"]
    return read_bundle(services, job["result"]["documents"][0]["id"])


@pytest.fixture
def node(client: TestClient, services: Services) -> dict[str, str]:
    make_account(services, NODE, Role.STAFF, agency=services.settings.agency.code)
    return login(client, NODE)


def _send(client: TestClient, headers: dict[str, str], bundle: Bundle,
          manifest: str | None = None) -> Any:
    return client.post("/api/v1/sync/documents", headers=headers,
                       data={"manifest": manifest or bundle.manifest()},
                       files=bundle.multipart())


def test_a_bundle_is_filed_once_with_the_files_it_had_on_the_node(
    client: TestClient, services: Services, bundle: Bundle, node: dict[str, str],
    snapshot: Snapshot,
) -> None:
    first = _send(client, node, bundle)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    filed = first.json()["document"]
    assert filed["owner"] == OWNER and filed["pages"] == bundle.page_count and filed["signed"]
    after_first = snapshot()
    again = _send(client, node, bundle)  # the answer was lost; the node sends it again
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["document"]["id"] == filed["id"]
    assert snapshot()["rows"]["documents"] == after_first["rows"]["documents"]
    copy = read_bundle(services, filed["id"])
    assert copy.signed == bundle.signed and copy.pdfa == bundle.pdfa
    assert copy.text == bundle.text and copy.originals == bundle.originals
    assert copy.operator == bundle.operator and copy.scanned_at == bundle.scanned_at
    # Stored once: the PDF/A is the signed file's first revision, as on the node.
    record = services.vault.documents.get_document(filed["id"], viewer=SYSTEM)
    assert record.file("pdfa").within_id == record.file("signed").id
    # Fields were read at the centre too (the record is the centre's to keep).
    assert record.status != "scanned"


def test_bundles_that_do_not_hold_are_refused_and_nothing_stored(
    client: TestClient, bundle: Bundle, node: dict[str, str], snapshot: Snapshot,
) -> None:
    before = snapshot()
    # One byte of the signed content changed (in the header's binary comment, so the
    # PDF still parses), consistently in both copies: the hashes in the manifest
    # match, the operator's signature does not.
    at = bundle.pdfa.index(b"\n%") + 2
    flipped = bytes([bundle.pdfa[at] ^ 0x01])
    tampered = replace(bundle, pdfa=bundle.pdfa[:at] + flipped + bundle.pdfa[at + 1:],
                       signed=bundle.signed[:at] + flipped + bundle.signed[at + 1:])
    answer = _send(client, node, tampered)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "signature_invalid"
    # A signed PDF that is not the PDF/A sent with it plus a signature.
    answer = _send(client, node, replace(bundle, pdfa=bundle.pdfa[:-10]))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "bad_bundle"
    # Files that do not match the manifest.
    changed = replace(bundle, text=bundle.text + " thêm")
    answer = _send(client, node, changed, manifest=bundle.manifest())
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "bad_bundle"
    assert "text" in answer.json()["error"]["message"]
    # A manifest that cannot be a node's.
    broken = json.loads(bundle.manifest()) | {"owner": "12345", "local_id": "../../etc"}
    answer = _send(client, node, bundle, manifest=json.dumps(broken))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "bad_bundle"
    assert snapshot() == before


def test_only_staff_accounts_may_send_documents(client: TestClient, services: Services) -> None:
    bundle = BUNDLE  # turned away at the door: what it holds is never looked at
    make_account(services, "congdan", Role.CITIZEN, owner=OWNER)
    citizen = login(client, "congdan")
    assert _send(client, citizen, bundle).status_code == 403
    assert _send(client, {"Authorization": "Bearer nope"}, bundle).status_code == 401
    # A service that is not a node says so.
    answer = client.get("/api/v1/sync/status", headers=login(client, STAFF))
    assert answer.status_code == 200 and answer.json() == {"node": False}


def test_sync_on_a_service_that_is_not_a_node_says_so(services: Services) -> None:
    result = CliRunner().invoke(app, ["sync", "--json"])
    assert result.exit_code != 0
    assert "not_a_node" in result.output
