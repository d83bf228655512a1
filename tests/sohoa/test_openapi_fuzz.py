"""Schemathesis against ``/openapi.json``: no request, however odd, gets a server error.

Every operation the API publishes is called with cases generated from its schema —
valid and invalid bodies, parameters and files — as a staff member, a citizen and an
administrator, on a service holding real records. A 5xx is a bug: bad input must get
a 4xx that names the problem. The run is derandomised, so a failure repeats.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from kernel import Role, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import login, make_account

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

CITIZEN = "001099012345"
EXAMPLES = 25


def test_no_operation_answers_with_a_server_error(services: Services,
                                                  anonymous: TestClient) -> None:
    agency = services.settings.agency.code
    make_account(services, "canbo", Role.STAFF, agency=agency)
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "quantri", Role.ADMIN)
    services.vault.intake.open_dossier(agency, parse_owner_id(CITIZEN), procedure="GPXD", actor="t")
    headers = [login(anonymous, name) for name in ("canbo", "congdan", "quantri")]
    schema = schemathesis.openapi.from_asgi("/openapi.json", anonymous.app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), who=st.sampled_from(headers))
        def call(case: Any, who: dict[str, str]) -> None:
            response = case.call(headers=who)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → "
                                f"{response.status_code}: {response.text[:200]}")

        call()
    assert not failures, "\n".join(sorted(set(failures))[:20])



def test_a_nul_character_is_refused_before_it_reaches_the_database(
        services: Services, anonymous: TestClient) -> None:
    """What the fuzzer found first: a NUL in a JSON field reached PostgreSQL, which refuses
    it in text, and the request failed with a server error."""
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    citizen = login(anonymous, "congdan")
    for response in (
            anonymous.post("/api/v1/applications/preview", headers=citizen,
                           json={"agency": "\x00", "documents": ["x"]}),
            anonymous.get("/api/v1/search", headers=citizen, params={"q": "quyet\x00dinh"}),
            anonymous.get("/api/v1/dossiers/AB%00CD", headers=citizen),
            anonymous.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"})):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_request"
    # Ordinary Vietnamese text passes untouched.
    ok = anonymous.get("/api/v1/search", headers=citizen, params={"q": "quyết định"})
    assert ok.status_code == 200
