"""Fixtures for whole-service tests: a fresh data dir, and a snapshot of what is stored."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from accounts.service import AccountView
from kernel import OwnerKind, Role, Viewer
from sohoa.api import create_app
from sohoa.jobs.models import Job
from sohoa.runtime import build_services
from sohoa.services import Services, dev_pki
from sohoa.settings import Settings
from vault.audit import AuditEvent
from vault.models import Document, Dossier, FileVersion, Owner
from vault.owner_check import NewOwner

Snapshot = Callable[[], dict[str, Any]]


@pytest.fixture(scope="session")
def dev_pki_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development root and TSA every service makes when it first starts, made once:
    each test's data folder starts with a copy (its officers' keys are its own)."""
    data = tmp_path_factory.mktemp("dev-pki") / "data"
    pki = dev_pki(Settings(data_dir=data))
    pki.tsa()
    return pki.folder


@pytest.fixture
def data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str,
             dev_pki_files: Path) -> Path:
    """SOHOA_DATA_DIR pointing at a fresh folder, as a user's shell would set it, and
    SOHOA_DATABASE_URL at a fresh database: SQLite, then a real PostgreSQL."""
    data = tmp_path / "data"
    shutil.copytree(dev_pki_files, data / "pki")
    monkeypatch.setenv("SOHOA_DATA_DIR", str(data))
    monkeypatch.setenv("SOHOA_DATABASE_URL", database_url)
    monkeypatch.setenv("SOHOA_OCR_JOBS", "2")
    return data


@pytest.fixture
def services(data_env: Path) -> Iterator[Services]:
    built = build_services(Settings())
    try:
        yield built
    finally:
        built.close()


def snapshot_of(services: Services) -> dict[str, Any]:
    """Everything a request could have stored: row counts and every blob key."""
    with services.sessions() as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Owner, Dossier, Document, FileVersion, AuditEvent, Job)
        }
    return {"rows": counts, "blobs": sorted(info.key for info in services.blobs.list())}


def count_rows(services: Services, model: type) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def snapshot(services: Services) -> Snapshot:
    return lambda: snapshot_of(services)


#: The service itself: for tests that call services directly rather than through the API.
SYSTEM = Viewer.system("test")
PASSWORD = "mat-khau-thu-nghiem-du-dai"
#: What a counter sends to open a dossier for a citizen who may have no vault yet: the
#: name and kind of ID, and the confirmation of a new owner (ignored for a known one).
NEW_CITIZEN = {"owner_kind": "citizen", "owner_name": "Nguyễn Văn Thử", "new_owner": True}
#: The same confirmation, for tests that open dossiers through the vault.
CONFIRMED_CITIZEN = NewOwner("Nguyễn Văn Thử", OwnerKind.CITIZEN, confirmed=True)
STAFF = "canbo.motcua"


def make_account(services: Services, username: str, role: Role, **kw: str) -> AccountView:
    return services.accounts.create(username, role, username, password=PASSWORD, **kw)


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """The Authorization header of a fresh token, through the real token endpoint."""
    response = client.post("/api/v1/auth/token", data={"username": username,
                                                        "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def anonymous(services: Services) -> Iterator[TestClient]:
    """A client with no account: what a citizen's phone sees when it scans a printed QR."""
    with TestClient(create_app(services=services)) as test_client:
        yield test_client


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """A client logged in as counter staff of the service's own agency."""
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    with TestClient(create_app(services=services)) as test_client:
        test_client.headers.update(login(test_client, STAFF))
        yield test_client
