"""``sohoa signing refresh``: archive timestamps renewed before they become unverifiable.

Issue 4 item 6. A file timestamped by the development TSA (certificate good for about two
years) is renewed with the certomancer TSA (good until 2045), as an append-only update
with its history and an audit event.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kernel import parse_owner_id
from signing import PadesLevel, copy_request, dev_trust_services, sign_pdf, verify_pdf
from sohoa.cli import app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.inputs import image_bytes, image_pdf, text_page
from tests.pki import TestPki
from tests.service_fixtures import SYSTEM
from vault import FileRole, NewFile, NotAnExtension
from vault.audit import AuditEvent
from vault.models import FileHistory

OWNER = "001099012345"


@pytest.fixture
def renewing(test_pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Services:
    """Services whose TSA is the certomancer one, trusting both roots."""
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOHOA_TSA_URL", test_pki.tsa_url)
    monkeypatch.setenv("SOHOA_TRUST_ROOTS", str(test_pki.cert("root")))
    services = build_services(Settings(), start_jobs=False)
    yield services
    services.close()


def _file_signed_document(services: Services) -> tuple[str, bytes]:
    """A scan signed by the agency at B-T with the development TSA, filed in the vault."""
    scan = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    issuer = services.issuer(services.settings.agency.code)
    signed = sign_pdf(scan, copy_request(issuer.key, services.stamp_font(),
                                         "UBND xã Thử", level=PadesLevel.B_T),
                      dev_trust_services(services.pki))
    record = services.vault.filing.file_document(
        owner=parse_owner_id(OWNER), title="Bản sao", page_count=1, operator="Cán bộ",
        scanned_at=datetime.now(UTC), actor="test", files=[
            NewFile(FileRole.ORIGINAL.value, scan, "application/pdf"),
            NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                    parent=(FileRole.ORIGINAL.value, 1)),
        ])
    return record.id, signed


def test_refresh_renews_only_what_expires_within_the_window(renewing: Services,
                                                            test_pki: TestPki) -> None:
    document, signed = _file_signed_document(renewing)
    runner = CliRunner()

    quiet = runner.invoke(app, ["signing", "refresh", "--within", "30", "--json"])
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout) == {"checked": 1, "renewed": [], "failed": []}

    # The development TSA's certificate ends within about 825 days: renew now.
    result = runner.invoke(app, ["signing", "refresh", "--within", "1000", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["renewed"] == [document]

    renewed = renewing.vault.documents.read_file(document, "signed", viewer=SYSTEM).data
    assert renewed.startswith(signed) and len(renewed) > len(signed)
    report = verify_pdf(renewed, renewing.trust)
    assert report.valid and report.signatures[0].level == "B-LTA"
    assert [t.authority for t in report.document_timestamps] == ["sohoa Test TSA"]
    with renewing.sessions() as session:
        (history,) = session.scalars(select(FileHistory)).all()
        assert history.reason == "lta_renewal" and history.size == len(signed)
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "document.file_extended")).all()
        assert len(events) == 1 and events[0].actor == "system:lta-renewal"
    # The earlier content stays retrievable from the history.
    assert renewing.blobs.get(history.blob_key, expected_sha256=history.sha256) == signed

    # Renewed until 2045: nothing more to do within 1000 days.
    again = runner.invoke(app, ["signing", "refresh", "--within", "1000", "--json"])
    assert json.loads(again.stdout)["renewed"] == []


def test_a_file_can_only_grow_by_appending(renewing: Services) -> None:
    document, signed = _file_signed_document(renewing)
    with pytest.raises(NotAnExtension):
        renewing.vault.filing.extend_file(document, FileRole.SIGNED, signed[:-10] + b"0" * 20,
                                   reason="test", actor="test")
    assert renewing.vault.documents.read_file(document, "signed", viewer=SYSTEM).data == signed
