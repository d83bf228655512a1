"""Session-wide fixtures: real services on 127.0.0.1, started once and stopped at the end."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from tests.pki import TestPki, start_test_pki  # noqa: E402
from tests.services import (  # noqa: E402
    Postgres,
    Redis,
    SeaweedS3,
    start_postgres,
    start_redis,
    start_seaweed,
)

FIXTURES = Path(__file__).parent / "fixtures"

#: The service graph, its clients and snapshots, for every test folder.
pytest_plugins = ["tests.service_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """argon2id at its lowest cost while testing: at the production cost (argon2-cffi's
    defaults, accounts.passwords) each hash and each login takes 0.16 s, and the
    suite makes and logs in to accounts by the thousand. Hashes keep their parameters,
    so a `sohoa serve` started by a test verifies them (and upgrades them at login)."""
    from argon2 import PasswordHasher

    from accounts import passwords

    real = passwords._HASHER, passwords._DUMMY
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._DUMMY = passwords._HASHER.hash("sohoa-no-such-account")
    try:
        yield
    finally:
        passwords._HASHER, passwords._DUMMY = real


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow modules first: spread over processes (`make test`), they then run beside
    the many short tests instead of alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    server = start_seaweed(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    """certomancer's PKI with TSA, OCSP and CRL answering on 127.0.0.1."""
    pki = start_test_pki(tmp_path_factory.mktemp("certomancer"))
    try:
        yield pki
    finally:
        pki.stop()


TEMPLATE_DATABASE = "sohoa_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A real PostgreSQL cluster on 127.0.0.1, with a migrated template database that each
    test copies (CREATE DATABASE … TEMPLATE is much faster than migrating each time)."""
    from sohoa.db import make_engine, migrate

    server = start_postgres()
    try:
        server.execute(f"CREATE DATABASE {TEMPLATE_DATABASE}")
        engine = make_engine(server.url(TEMPLATE_DATABASE))
        migrate(engine)
        engine.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database that each test copies, as PostgreSQL tests copy theirs."""
    from sohoa.db import make_engine, migrate

    path = tmp_path_factory.mktemp("sqlite-template") / "sohoa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every database test runs twice: on the embedded SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        copy = tmp_path / "sohoa.db"
        template: Path = request.getfixturevalue("sqlite_template")
        with sqlite3.connect(template) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        yield f"sqlite:///{copy}"
        return
    server: Postgres = request.getfixturevalue("postgres")
    name = f"t_{secrets.token_hex(6)}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DATABASE}")
    try:
        yield server.url(name)
    finally:
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, database_url: str) -> str:
    """The same, but with no schema yet: for migration tests."""
    if database_url.startswith("sqlite"):
        return database_url.replace("sohoa.db", "empty.db")
    server: Postgres = request.getfixturevalue("postgres")
    name = f"e_{secrets.token_hex(6)}"
    server.execute(f"CREATE DATABASE {name}")
    request.addfinalizer(lambda: server.execute(f"DROP DATABASE {name} WITH (FORCE)"))
    return server.url(name)
