"""Operations: Prometheus metrics behind a token, and log lines without IDs in clear."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sohoa.logs import JsonFormatter, MaskingFormatter
from sohoa.services import Services
from tests.inputs import image_bytes, text_page
from tests.sohoa.bad_inputs import GOOD_OWNER

TOKEN = "prometheus-doc-chi-so"


@pytest.fixture
def data_env(data_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared data env, with metrics on."""
    monkeypatch.setenv("SOHOA_METRICS_TOKEN", TOKEN)
    return data_env


def _scrape(client: TestClient) -> dict[str, float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert GOOD_OWNER not in response.text
    values = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def _delta(before: dict[str, float], after: dict[str, float], name: str) -> float:
    return after.get(name, 0.0) - before.get(name, 0.0)


def test_metrics_count_requests_jobs_pages_parses_and_errors(
    client: TestClient, services: Services,
) -> None:
    before = _scrape(client)
    pages = [("files", (f"trang-{n}.png", image_bytes(text_page(200), "PNG", 200), "image/png"))
             for n in range(2)]
    accepted = client.post("/api/v1/digitize", files=pages, data={"owner": GOOD_OWNER})
    assert accepted.status_code == 202
    assert services.jobs.wait_idle(timeout=300)
    refused = client.post("/api/v1/digitize", data={"owner": GOOD_OWNER},
                          files=[("files", ("x.pdf", b"%PDF-1.7 broken", "application/pdf"))])
    assert refused.status_code == 422
    client.get(f"/api/v1/owners/{GOOD_OWNER}/documents")
    after = _scrape(client)

    assert _delta(before, after, "sohoa_pages_digitised_total") == 2
    assert _delta(before, after, 'sohoa_jobs_total{kind="digitize",outcome="done"}') == 1
    assert after['sohoa_jobs_in_table{kind="digitize",status="done"}'] >= 1
    assert _delta(before, after, 'sohoa_errors_total{code="corrupt_file"}') == 1
    assert _delta(before, after, 'sohoa_untrusted_parses_total{outcome="ok"}') >= 2
    assert _delta(before, after, 'sohoa_untrusted_parses_total{outcome="refused"}') == 1
    # Requests are counted by route template, never by a path with an ID in it.
    route = ('sohoa_http_requests_total{method="GET",route="/api/v1/owners/{owner_id}/'
             'documents",status="200"}')
    assert _delta(before, after, route) == 1
    assert _delta(before, after, 'sohoa_http_request_seconds_count{route="/api/v1/digitize"}') \
        == 2


def test_metrics_need_their_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def _formatted(formatter: logging.Formatter) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("sohoa.test-logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"no vault for {GOOD_OWNER}")
        except ValueError:
            logger.exception("request for /api/v1/owners/%s/documents failed", GOOD_OWNER)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_json_log_lines_are_objects_without_ids_in_clear() -> None:
    text = _formatted(JsonFormatter())
    line = json.loads(text)
    assert line["level"] == "ERROR" and line["logger"] == "sohoa.test-logs"
    assert "/api/v1/owners/" in line["message"] and "ValueError" in line["exception"]
    assert GOOD_OWNER not in text
    assert re.search(r"\d{3}\*+\d{2,3}|\*{4,}", line["message"])  # masked, not dropped


def test_text_log_lines_mask_ids_too() -> None:
    text = _formatted(MaskingFormatter("%(levelname)s %(message)s"))
    assert text.startswith("ERROR request for /api/v1/owners/")
    assert GOOD_OWNER not in text
