"""Login through an OpenID provider (VNeID-style), against a real provider on 127.0.0.1.

The provider is ``oidc-provider-mock``: Authlib's authorisation server behind Flask,
serving discovery, JWKS, authorise and token endpoints and RS256 ID tokens. "A person
logs in there" is a form POST naming the subject, as its login page does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread
from typer.testing import CliRunner

from kernel import Role
from sohoa.api import create_app
from sohoa.cli import app as cli
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.service_fixtures import make_account
from tests.services import free_port

CITIZEN = "001099012345"
TAX_CODE = "0312345673"
LOGIN = "/api/v1/auth/oidc/login"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def _settings(monkeypatch: pytest.MonkeyPatch, issuer: str, **extra: str) -> None:
    monkeypatch.setenv("SOHOA_OIDC_ISSUER", issuer)
    monkeypatch.setenv("SOHOA_OIDC_CLIENT_ID", "sohoa-test")
    monkeypatch.setenv("SOHOA_OIDC_CLIENT_SECRET", "bi-mat-cua-ung-dung")
    monkeypatch.setenv("SOHOA_OIDC_OWNER_CLAIM", "so_dinh_danh")
    for name, value in extra.items():
        monkeypatch.setenv(f"SOHOA_OIDC_{name.upper()}", value)


@pytest.fixture
def oidc_services(data_env: Path, provider: str,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    _settings(monkeypatch, provider)
    built = build_services(Settings())
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def browser(oidc_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=oidc_services)) as test_client:
        yield test_client


def person(provider: str, sub: str, **claims: Any) -> None:
    """What the provider knows of someone (its users API)."""
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=10).raise_for_status()


def at_provider(browser: TestClient, sub: str, action: str = "authorize") -> str:
    """Start a login and let ``sub`` log in at the provider; the callback's query string."""
    start = browser.get(LOGIN, follow_redirects=False)
    assert start.status_code == 302, start.text
    answer = requests.post(start.headers["location"], data={"sub": sub, "action": action},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return urlsplit(answer.headers["location"]).query


def callback(browser: TestClient, query: str) -> Any:
    return browser.get(f"/api/v1/auth/oidc/callback?{query}")


def me(browser: TestClient, response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    got = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200
    account: dict[str, Any] = got.json()["account"]
    return account


def test_login_redirects_with_state_nonce_and_pkce(browser: TestClient, provider: str) -> None:
    start = browser.get(LOGIN, follow_redirects=False)
    assert start.status_code == 302
    target = start.headers["location"]
    assert target.startswith(provider + "/oauth2/authorize?")
    for param in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256",
                  "client_id=sohoa-test", "scope=openid+profile"):
        assert param in target
    cookie = start.headers["set-cookie"].lower()
    assert "sohoa_oidc=" in cookie and "httponly" in cookie and "path=/api/v1/auth/oidc" in cookie


def test_first_vneid_login_makes_the_citizen_account_and_the_second_reuses_it(
        browser: TestClient, oidc_services: Services, provider: str) -> None:
    person(provider, "vneid-001", so_dinh_danh=CITIZEN, name="Nguyễn Văn An")
    first = me(browser, callback(browser, at_provider(browser, "vneid-001")))
    assert first["role"] == "citizen" and first["owner"] == CITIZEN
    assert first["display_name"] == "Nguyễn Văn An"
    second = me(browser, callback(browser, at_provider(browser, "vneid-001")))
    assert second["id"] == first["id"]
    made = [a for a in oidc_services.accounts.list() if a.owner_identifier == CITIZEN]
    assert len(made) == 1 and made[0].username.startswith("oidc.")
    # The vault is the one of the personal ID, and only that one.
    token = callback(browser, at_provider(browser, "vneid-001")).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert browser.get(f"/api/v1/owners/{CITIZEN}/documents", headers=auth).status_code == 200
    assert browser.get(f"/api/v1/owners/{TAX_CODE}/documents", headers=auth).status_code == 404


def test_an_organisation_login_opens_the_tax_code_vault(browser: TestClient,
                                                         provider: str) -> None:
    person(provider, "vneid-org-7", so_dinh_danh=TAX_CODE, name="Công ty TNHH Sông Hồng")
    account = me(browser, callback(browser, at_provider(browser, "vneid-org-7")))
    assert account["role"] == "organisation" and account["owner"] == TAX_CODE


def test_staff_log_in_only_when_an_administrator_linked_them(
        browser: TestClient, oidc_services: Services, provider: str) -> None:
    person(provider, "canbo-9", name="Trần Thị Bình")
    refused = callback(browser, at_provider(browser, "canbo-9"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "identity_not_linked"
    assert all(not a.username.startswith("oidc.") for a in oidc_services.accounts.list())

    make_account(oidc_services, "canbo.binh", Role.STAFF,
                 agency=oidc_services.settings.agency.code)
    linked = CliRunner().invoke(cli, ["admin", "link", "canbo.binh", f"{provider}#canbo-9"])
    assert linked.exit_code == 0, linked.output
    account = me(browser, callback(browser, at_provider(browser, "canbo-9")))
    assert account["username"] == "canbo.binh" and account["role"] == "staff"

    oidc_services.accounts.set_active("canbo.binh", False)
    disabled = callback(browser, at_provider(browser, "canbo-9"))
    assert disabled.status_code == 401


def test_a_provider_that_changes_the_personal_id_is_refused(
        browser: TestClient, provider: str) -> None:
    person(provider, "vneid-002", so_dinh_danh=CITIZEN)
    me(browser, callback(browser, at_provider(browser, "vneid-002")))
    person(provider, "vneid-002", so_dinh_danh="079188004321")
    refused = callback(browser, at_provider(browser, "vneid-002"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "identity_not_linked"


def test_an_invalid_personal_id_from_the_provider_makes_no_account(
        browser: TestClient, oidc_services: Services, provider: str) -> None:
    person(provider, "vneid-bad", so_dinh_danh="12345")
    refused = callback(browser, at_provider(browser, "vneid-bad"))
    assert refused.status_code == 403 and "không hợp lệ" in refused.json()["error"]["message"]
    assert oidc_services.accounts.list() == []


def test_foreign_cookieless_or_denied_callbacks_get_no_token(
        browser: TestClient, provider: str) -> None:
    person(provider, "vneid-003", so_dinh_danh=CITIZEN)
    query = at_provider(browser, "vneid-003")
    # Another login started since: the cookie now belongs to it, not to this code.
    browser.get(LOGIN, follow_redirects=False)
    foreign = callback(browser, query)
    assert foreign.status_code == 400 and "state" in foreign.json()["error"]["message"]

    query = at_provider(browser, "vneid-003")
    browser.cookies.clear()
    no_cookie = callback(browser, query)
    assert no_cookie.status_code == 400 and "cookie" in no_cookie.json()["error"]["message"]
    stale = callback(browser, "code=abc&state=def")
    assert stale.status_code == 400 and stale.json()["error"]["code"] == "oidc_login_failed"

    denied = callback(browser, at_provider(browser, "vneid-003", action="deny"))
    assert denied.status_code == 400 and "access_denied" in denied.json()["error"]["message"]


def test_a_used_code_cannot_log_in_twice(browser: TestClient, provider: str) -> None:
    person(provider, "vneid-004", so_dinh_danh=CITIZEN)
    start = browser.get(LOGIN, follow_redirects=False)
    cookie = browser.cookies.get("sohoa_oidc", path="/api/v1/auth/oidc")
    answer = requests.post(start.headers["location"], data={"sub": "vneid-004"},
                           allow_redirects=False, timeout=10)
    query = urlsplit(answer.headers["location"]).query
    assert callback(browser, query).status_code == 200
    browser.cookies.set("sohoa_oidc", cookie, path="/api/v1/auth/oidc")
    again = callback(browser, query)
    assert again.status_code == 400 and "invalid_grant" in again.json()["error"]["message"]


def test_a_required_assurance_level_is_checked_in_the_id_token(
        data_env: Path, provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _settings(monkeypatch, provider, acr_values="2")
    built = build_services(Settings())
    try:
        with TestClient(create_app(services=built)) as browser:
            start = browser.get(LOGIN, follow_redirects=False)
            assert "acr_values=2" in start.headers["location"]
            person(provider, "vneid-low", so_dinh_danh=CITIZEN, acr="1")
            low = callback(browser, at_provider(browser, "vneid-low"))
            assert low.status_code == 400 and "mức xác thực" in low.json()["error"]["message"]
            person(provider, "vneid-high", so_dinh_danh=CITIZEN, acr="2")
            assert me(browser, callback(browser, at_provider(browser, "vneid-high")))["owner"] \
                == CITIZEN
    finally:
        built.close()


def test_an_unreachable_provider_answers_503_and_no_provider_404(
        data_env: Path, monkeypatch: pytest.MonkeyPatch, services: Services) -> None:
    with TestClient(create_app(services=services)) as browser:
        off = browser.get(LOGIN, follow_redirects=False)
        assert off.status_code == 404 and "SOHOA_OIDC_ISSUER" in off.json()["error"]["message"]
    _settings(monkeypatch, f"http://127.0.0.1:{free_port()}")
    built = build_services(Settings())
    try:
        with TestClient(create_app(services=built)) as browser:
            down = browser.get(LOGIN, follow_redirects=False)
            assert down.status_code == 503
            assert down.json()["error"]["code"] == "identity_provider_unavailable"
            assert down.headers["retry-after"]
    finally:
        built.close()


def test_an_issuer_without_client_credentials_stops_the_start(
        data_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_OIDC_ISSUER", "http://127.0.0.1:1")
    with pytest.raises(ValueError, match="SOHOA_OIDC_CLIENT_ID"):
        Settings().oidc_config()


def test_an_administrator_makes_a_staff_account_that_only_logs_in_through_the_provider(
        browser: TestClient, oidc_services: Services, provider: str) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["admin", "account", "canbo.chi", "--role", "staff", "--name",
                               "Lê Chí", "--agency", oidc_services.settings.agency.code,
                               "--oidc-subject", f"{provider}#canbo-10"])
    assert made.exit_code == 0, made.output
    person(provider, "canbo-10", name="Lê Chí")
    assert me(browser, callback(browser, at_provider(browser, "canbo-10")))["role"] == "staff"
    no_password = browser.post("/api/v1/auth/token", data={"username": "canbo.chi",
                                                           "password": "bat-ky-mat-khau"})
    assert no_password.status_code == 401

    malformed = runner.invoke(cli, ["admin", "link", "canbo.chi", "khong-co-nha-cung-cap"])
    assert malformed.exit_code != 0 and "ISSUER#SUB" in malformed.output
    taken = runner.invoke(cli, ["admin", "account", "canbo.khac", "--role", "staff", "--name",
                                "Khác", "--agency", oidc_services.settings.agency.code,
                                "--oidc-subject", f"{provider}#canbo-10"])
    assert taken.exit_code != 0 and "identity taken" in taken.output


def test_a_login_started_on_the_screens_ends_logged_in_on_them(
        browser: TestClient, oidc_services: Services, provider: str) -> None:
    person(provider, "vneid-007", so_dinh_danh=CITIZEN, name="Nguyễn Văn An")
    page = browser.get("/login?next=/vault/grants")
    link = re.search(r'href="(/api/v1/auth/oidc/login\?next=[^"]+)"', page.text)
    assert link, "the login page offers the identity provider"
    start = browser.get(html.unescape(link.group(1)), follow_redirects=False)
    answer = requests.post(start.headers["location"], data={"sub": "vneid-007",
                                                            "action": "authorize"},
                           allow_redirects=False, timeout=10)
    back = callback_raw(browser, urlsplit(answer.headers["location"]).query)
    assert back.status_code == 303 and back.headers["location"] == "/vault/grants"
    cookie = back.headers["set-cookie"].lower()
    assert "sohoa_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    grants = browser.get("/vault/grants")
    assert grants.status_code == 200 and "Nguyễn Văn An" in grants.text

    # Someone the service does not know comes back to the login page with the reason.
    browser.cookies.clear()
    person(provider, "vneid-staff", name="Không có tài khoản")
    start = browser.get(LOGIN, params={"next": "/counter"}, follow_redirects=False)
    answer = requests.post(start.headers["location"], data={"sub": "vneid-staff",
                                                            "action": "authorize"},
                           allow_redirects=False, timeout=10)
    back = callback_raw(browser, urlsplit(answer.headers["location"]).query)
    assert back.status_code == 303 and back.headers["location"].startswith("/login?")
    again = browser.get(back.headers["location"])
    assert "oidc_error=identity_not_linked" in back.headers["location"]
    assert again.status_code == 401 and "chưa được gắn với tài khoản nào" in again.text
    assert "sohoa_session" not in browser.cookies


def test_the_screens_next_page_never_leaves_the_site(browser: TestClient,
                                                     provider: str) -> None:
    person(provider, "vneid-008", so_dinh_danh=CITIZEN, name="Nguyễn Văn An")
    start = browser.get(LOGIN, params={"next": "https://evil.example/steal"},
                        follow_redirects=False)
    answer = requests.post(start.headers["location"], data={"sub": "vneid-008",
                                                            "action": "authorize"},
                           allow_redirects=False, timeout=10)
    back = callback_raw(browser, urlsplit(answer.headers["location"]).query)
    assert back.status_code == 303 and back.headers["location"] == "/"


def callback_raw(browser: TestClient, query: str) -> Any:
    return browser.get(f"/api/v1/auth/oidc/callback?{query}", follow_redirects=False)
