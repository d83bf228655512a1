"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kernel import Role, Viewer, parse_owner_id
from sohoa.db import alembic_config, make_engine, migrate, session_factory
from storage import LocalBlobStore
from tests.sealing import install_sealer
from vault import Vault


def test_migrations_match_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    command.check(alembic_config(engine))  # raises if autogenerate would find a difference


def test_migrating_twice_is_harmless(empty_database_url: str) -> None:
    # Every command and every process start migrates: the second run must change
    # nothing, neither the revision nor a table nor a row already there.
    engine = make_engine(empty_database_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO agencies (code, name, valid_from, created_at) "
                                "VALUES ('000.00.99.H99', 'UBND thử', '2026-01-01', '2026-01-01 00:00:00')"))

    def state() -> tuple[object, ...]:
        with engine.connect() as connection:
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            agencies = connection.execute(text("SELECT code, name FROM agencies")).all()
        tables = sorted(inspect(engine).get_table_names())
        return revision, tables, agencies

    before = state()
    migrate(engine)
    assert state() == before
    assert before[0] == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert ("000.00.99.H99", "UBND thử") in before[2]


#: The schema of the last release before accounts, the audit chain and counters (issue 4).
PREVIOUS_RELEASE = "0006"


def test_a_database_of_the_previous_release_upgrades_with_its_data(
        empty_database_url: str, tmp_path: Path) -> None:
    engine = make_engine(empty_database_url)
    command.upgrade(alembic_config(engine), PREVIOUS_RELEASE)
    blobs = LocalBlobStore(tmp_path / "blobs", url_secret=b"k")
    scan = b"%PDF-1.4\n% scanned before the upgrade\n"
    blob = blobs.put("vaultkey-1/" + hashlib.sha256(scan).hexdigest(), scan)
    at = datetime(2026, 11, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as db:
        agency = db.execute(text("INSERT INTO agencies (code, name, created_at) VALUES "
                                 "('000.00.00.H00', 'UBND', :at) RETURNING id"), {"at": at}).scalar()
        owner = db.execute(text("INSERT INTO owners (identifier, kind, vault_key, created_at) "
                                "VALUES ('001099012345', 'citizen', 'vaultkey-1', :at) "
                                "RETURNING id"), {"at": at}).scalar()
        dossier = db.execute(text(
            "INSERT INTO dossiers (code, agency_id, owner_id, received_on, sequence, created_at) "
            "VALUES ('000.00.00.H00-261101-0001', :agency, :owner, '2026-11-01', 1, :at) "
            "RETURNING id"), {"agency": agency, "owner": owner, "at": at}).scalar()
        db.execute(text(
            "INSERT INTO documents (id, owner_id, dossier_id, doc_type, title, status, "
            "page_count, text_chars, operator_name, scanned_at, created_at, page_quality, kind, "
            "extraction) VALUES ('d1', :owner, :dossier, 'unknown', 'Giấy khai sinh', 'SCANNED', "
            "1, 0, 'Lê Thị Hoa', :at, :at, '[]', 'COMPONENT', '[]')"),
            {"owner": owner, "dossier": dossier, "at": at})
        db.execute(text(
            "INSERT INTO file_versions (id, document_id, role, part, blob_key, sha256, size, "
            "media_type, filename, created_at) VALUES ('f1', 'd1', 'original', 1, :key, :sha, "
            ":size, 'application/pdf', 'CCCD 001099012345 Le Thi Hoa.pdf', :at)"),
            {"key": blob.key, "sha": blob.sha256, "size": len(scan), "at": at})
        for n in range(3):
            db.execute(text("INSERT INTO audit_events (at, actor, action, subject_type, "
                            "subject_id, details) VALUES (:at, 'cli:local', 'document.read', "
                            "'document', 'd1', :details)"),
                       {"at": at, "details": json.dumps({"n": n})})
    sessions = session_factory(engine)
    migrate(engine, install_sealer(sessions))
    vault = Vault(sessions, blobs)
    # The document of the old release is still readable, by the agency that received it.
    staff = Viewer(Role.STAFF, "staff:a", agency="000.00.00.H00")
    stored = vault.documents.read_file("d1", "original", viewer=staff)
    assert stored.data == scan
    # The uploader's file name (a name and an ID) gave way to one made from the role.
    assert stored.filename == "ban-quet-1.pdf"
    # Its record and its owner's ID were sealed on the way: no longer in clear in the rows.
    assert vault.documents.get_document("d1", viewer=staff).title == "Giấy khai sinh"
    assert vault.documents.get_document("d1", viewer=staff).owner == "001099012345"
    with engine.connect() as db:
        dump = repr([db.execute(text(f"SELECT * FROM {t}")).all()
                     for t in ("owners", "documents", "file_versions")])
    assert "001099012345" not in dump and "khai sinh" not in dump
    # Its old audit events were linked into the chain, and new ones continue it.
    report = vault.custody.verify_audit()
    assert report.intact and report.events == 4
    # Dossier numbering continues after the old dossier of that day.
    code = vault.intake.open_dossier("000.00.00.H00", parse_owner_id("001099012345"), actor="t",
                              now=datetime(2026, 11, 1, 3, 0, tzinfo=UTC))
    assert code == "000.00.00.H00-261101-0002"
    engine.dispose()
