"""Session-wide fixtures: real services on 127.0.0.1, started once and stopped at the end."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from tests.pki import TestPki, start_test_pki  # noqa: E402
from tests.services import SeaweedS3, start_seaweed  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


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
