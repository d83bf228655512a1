"""Sessions and the web's defences (issue 25, item 6): logout that revokes, a login
form another site cannot post, a strict Content-Security-Policy on every page,
forwarded headers only from trusted proxies, and a body limit on every route."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kernel import Role
from sohoa.api import create_app
from sohoa.api.security_headers import CONTENT_SECURITY_POLICY
from sohoa.services import Services
from tests.service_fixtures import PASSWORD, STAFF, login, make_account


def test_logout_revokes_the_api_token_everywhere_it_was_copied(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    token = login(anonymous, STAFF)
    other = login(anonymous, STAFF)  # the same person on a second device
    assert anonymous.get("/api/v1/me", headers=token).status_code == 200
    assert anonymous.post("/api/v1/auth/logout", headers=token).status_code == 204
    answer = anonymous.get("/api/v1/me", headers=token)
    assert answer.status_code == 401 and "logout" in answer.json()["error"]["message"]
    assert anonymous.post("/api/v1/auth/logout", headers=token).status_code == 401
    # Only that token: the other device's session goes on.
    assert anonymous.get("/api/v1/me", headers=other).status_code == 200


def _login_form(client: TestClient) -> str:
    form = client.get("/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found, form.text
    return found.group(1)


def test_web_logout_revokes_the_session_token_not_only_the_cookie(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    logged = anonymous.post("/login", data={"username": STAFF, "password": PASSWORD,
                                            "login_csrf": _login_form(anonymous)},
                            follow_redirects=False)
    assert logged.status_code == 303
    session = anonymous.cookies["sohoa_session"]
    home = anonymous.get("/counter", follow_redirects=False)
    assert home.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert csrf
    out = anonymous.post("/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    # A copy of the cookie taken before logout opens nothing any more.
    with TestClient(create_app(services=services), cookies={"sohoa_session": session}) as copy:
        assert copy.get("/counter", follow_redirects=False).status_code == 303
        assert copy.get("/api/v1/me", headers={
            "Authorization": f"Bearer {session}"}).status_code == 401


def test_a_login_posted_from_another_site_is_refused(
        services: Services, anonymous: TestClient) -> None:
    """Login CSRF: a page elsewhere posts the attacker's credentials to /login so the
    victim's browser ends up in the attacker's account. Without the form's token (which
    only our page has, paired with a SameSite=Strict cookie) nobody is logged in."""
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    forged = anonymous.post("/login", data={"username": STAFF, "password": PASSWORD},
                            headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert forged.status_code == 403
    assert "sohoa_session" not in forged.headers.get("set-cookie", "")
    assert "Trang đăng nhập đã hết hạn" in forged.text
    # A token from another browser's form (its cookie not sent) is no better.
    with TestClient(create_app(services=services)) as attacker:
        stolen = _login_form(attacker)
    anonymous.cookies.clear()
    replayed = anonymous.post("/login", data={"username": STAFF, "password": PASSWORD,
                                              "login_csrf": stolen}, follow_redirects=False)
    assert replayed.status_code == 403
    # The real form works.
    real = anonymous.post("/login", data={"username": STAFF, "password": PASSWORD,
                                          "login_csrf": _login_form(anonymous)},
                          follow_redirects=False)
    assert real.status_code == 303 and "sohoa_session" in real.headers["set-cookie"]


def test_every_page_carries_a_strict_content_security_policy(
        services: Services, anonymous: TestClient) -> None:
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    policy = CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "unsafe" not in policy
    anonymous.post("/login", data={"username": STAFF, "password": PASSWORD,
                                   "login_csrf": _login_form(anonymous)})
    for path in ("/login", "/counter", "/counter/dossiers", "/reports", "/no/such/page"):
        page = anonymous.get(path)
        assert page.headers["content-type"].startswith("text/html"), path
        assert page.headers["content-security-policy"] == policy, path
        # Nothing on the page needs what the policy forbids.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), path
        assert not re.search(r"\son[a-z]+=|\sstyle=|javascript:", page.text), path
    docs = anonymous.get("/docs")
    assert "'unsafe-inline'" not in docs.headers["content-security-policy"].split(
        "script-src")[1].split(";")[0]
    # JSON answers need no policy of their own.
    assert "content-security-policy" not in anonymous.get("/healthz").headers


def _failed_logins(client: TestClient, addresses: list[str]) -> list[int]:
    return [client.post("/api/v1/auth/token", data={"username": f"nobody{n}", "password": "x"},
                        headers={"X-Forwarded-For": address}).status_code
            for n, address in enumerate(addresses)]


def test_forwarded_addresses_count_only_from_trusted_proxies(services: Services) -> None:
    """The per-address login limiter sees the real peer unless that peer is a proxy
    named in SOHOA_TRUSTED_PROXIES: a client inventing X-Forwarded-For gains nothing."""
    limit = services.settings.login.max_client_failures
    spoofed = [f"203.0.113.{n % 250}" for n in range(limit + 1)]
    with TestClient(create_app(services=services)) as direct:
        answers = _failed_logins(direct, spoofed)
    assert answers[:limit] == [401] * limit and answers[limit] == 429
    behind_proxy = services.settings.replaced(trusted_proxies="testclient")
    with TestClient(create_app(behind_proxy, services=services)) as proxied:
        # Now each forwarded address is a client of its own: none reaches the limit.
        assert set(_failed_logins(proxied, [f"198.51.100.{n}" for n in range(limit + 1)])) \
            == {401}


def test_every_route_has_a_body_limit_json_included(
        services: Services, client: TestClient) -> None:
    limit = services.settings.server.max_body_bytes
    big = b'{"summary": "' + b"x" * limit + b'"}'
    for method, path in (("PUT", "/api/v1/documents/x/record"),
                         ("POST", "/api/v1/auth/token"), ("POST", "/login")):
        answer = client.request(method, path, content=big,
                                headers={"Content-Type": "application/json"})
        assert answer.status_code == 413, (path, answer.text)
        assert answer.json()["error"]["code"] == "body_too_large"
    # A chunked body (no length declared) is counted as it arrives.
    chunked = client.put("/api/v1/documents/x/record", content=iter([big[:1000], big[1000:]]),
                         headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413
    # Uploads are bounded by the intake limits instead, not by this one.
    upload = client.post("/api/v1/verify",
                         files={"file": ("a.pdf", b"%PDF-1.4\n" + b" " * limit, "application/pdf")})
    assert upload.status_code != 413
