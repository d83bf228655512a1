"""A fault of ours (issue 29, item 5): a screen answers 500 in the site's frame, in
Vietnamese, saying what to do; a program gets JSON; neither shows a traceback."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sohoa.api import create_app
from sohoa.services import Services


def _boom() -> None:
    raise RuntimeError("a bug with internals: /srv/secret")


def test_a_bug_answers_in_the_sites_frame_and_as_json(services: Services) -> None:
    app = create_app(services=services)
    app.add_api_route("/counter/boom", _boom)
    app.add_api_route("/api/v1/boom", _boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/counter/boom", follow_redirects=False)
        api = client.get("/api/v1/boom")
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    assert "Lỗi hệ thống" in page.text and "báo quản trị viên" in page.text
    assert 'class="top"' in page.text  # the site's header: the frame people know
    assert "Internal Server Error" not in page.text and "/srv/secret" not in page.text
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal_error"
    assert "/srv/secret" not in api.text
