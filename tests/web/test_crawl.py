"""Every link a logged-in person of each role can reach answers without a server error,
and speaks plainly: no raw code on any page, no English word on a Vietnamese one.

The site is seeded through the use cases (a scanned, coded, completed and transferred
dossier, a result, a reuse at another ward, a hold, a file in the scanner folder), so
the screens have rows and links to follow. Each role's crawl follows every same-site
link of every page it reaches (GET only: forms are what the journey test submits),
and records any 5xx, any page of another role's area that does not refuse it, and
any page whose markup fails the accessibility checks of ``tests/web/a11y.py``.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from kernel import Role
from sohoa.api import create_app
from sohoa.web.menus import home_of
from tests.routes import served_routes
from tests.web.a11y import markup_problems
from tests.web.conftest import ACCOUNTS, Site, form_log_in
from tests.web.wording import wording_problems

pytestmark = pytest.mark.ocr

HREF = re.compile(r'href="([^"#]+)"')
AREAS = ("/counter", "/vault", "/archive", "/admin", "/reports")
#: The areas each role works in; every other area must refuse it.
ALLOWED = {Role.STAFF: ("/counter", "/reports"), Role.CITIZEN: ("/vault",),
           Role.ARCHIVIST: ("/archive", "/reports"), Role.ADMIN: ("/admin", "/reports")}


def _crawl(site: Site, client: httpx.Client, start: str,
           check: Callable[[str, httpx.Response], list[str]]) -> tuple[set[str], list[str]]:
    """Every page reachable from ``start`` by same-site links, each checked; the paths
    seen and the problems found."""
    seen, queue, failures = {start}, deque([start]), []
    while queue:
        path = queue.popleft()
        response = client.get(path)
        failures += check(path, response)
        if response.status_code >= 500 or "text/html" not in response.headers.get(
                "content-type", ""):
            continue
        for href in HREF.findall(response.text):
            target = urljoin(f"{site.url}{path}", href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc != urlsplit(site.url).netloc or parts.path.startswith(
                    ("/static/", "/api/")):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen and len(seen) < 400:
                seen.add(local)
                queue.append(local)
    return seen, failures


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_no_server_error_anywhere_a_role_can_reach(seeded: Site, username: str) -> None:
    role = ACCOUNTS[username][0]

    def check(path: str, response: httpx.Response) -> list[str]:
        if response.status_code >= 500:
            return [f"{path}: {response.status_code}"]
        problems = []
        foreign = next((a for a in AREAS if path.startswith(a)), None)
        if foreign and foreign not in ALLOWED[role] and response.status_code < 400:
            problems.append(f"{path}: another role's screen answered {response.status_code}")
        if "text/html" in response.headers.get("content-type", ""):
            # REGULATIONS — none; WCAG 2.1 1.1.1, 1.3.1, 3.1.1, 4.1.2 (issue 7: accessible)
            problems += [f"{path}: {problem}" for problem in markup_problems(response.text)]
        return problems

    with httpx.Client(base_url=seeded.url, timeout=60) as client:
        logged = form_log_in(client, username)
        assert logged.status_code == 303, logged.text
        seen, failures = _crawl(seeded, client, home_of(role), check)
        # Other roles' areas are refused, not served (and never a server error).
        for area in AREAS:
            if area not in ALLOWED[role]:
                response = client.get(area)
                assert response.status_code == 403, (area, response.status_code)
    assert not failures, failures
    # Each role reaches its rows: documents, packages' dossiers, accounts.
    expected = {"canbo.an": "/counter/documents/", "canbo.dakao": "/counter/documents/",
                "congdan": "/vault/documents/", "luutru.an": "/holds",
                "luutru.binh": "/holds", "quantri": "/admin/keys"}[username]
    assert any(expected in path for path in seen), f"{username} reached only {sorted(seen)}"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_every_screen_speaks_plainly(seeded: Site, username: str, language: str) -> None:
    """Issue 29 item 5: statuses, history, stages, roles, actors, errors and times by
    their names; English only where the person chose it. The refusal pages of other
    roles' areas and a missing page are read too."""
    def check(path: str, response: httpx.Response) -> list[str]:
        if "text/html" not in response.headers.get("content-type", ""):
            return []
        return [f"{path}: {problem}" for problem in
                wording_problems(response.text, vietnamese=language == "vi")]

    with httpx.Client(base_url=seeded.url, timeout=60,
                      cookies={"sohoa_lang": language}) as client:
        assert form_log_in(client, username).status_code == 303
        _seen, failures = _crawl(seeded, client, home_of(ACCOUNTS[username][0]), check)
        for extra in [*AREAS, "/khong-co-trang-nay", "/counter/documents/khong-co", "/v/",
                      "/v/?code=AAAA-BBBB-CCCC"]:
            failures += check(extra, client.get(extra))
    assert not failures, "\n".join(failures)


def _screen_routes(site: Site) -> list[tuple[str, str]]:
    return sorted((m, p) for m, p in served_routes(create_app(services=site.services))
                  if p.startswith(AREAS))


def test_every_screen_needs_a_login_and_the_right_role(seeded: Site) -> None:
    """No screen route answers anyone without logging in; none answers a citizen outside
    /vault (the role that must see the least of the others' areas)."""
    routes = _screen_routes(seeded)
    assert len(routes) > 30
    with httpx.Client(base_url=seeded.url, timeout=60) as anonymous, \
            httpx.Client(base_url=seeded.url, timeout=60) as citizen:
        form_log_in(citizen, "congdan")
        for method, path in routes:
            url = re.sub(r"\{[^}]+\}", "1", path)
            answer = anonymous.request(method, url)
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["location"].startswith("/login?next=")
            if not path.startswith("/vault"):
                csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', citizen.get("/vault").text)
                assert csrf
                refused = citizen.request(method, url, data={"csrf": csrf.group(1)}
                                          if method == "POST" else None)
                assert refused.status_code in (403, 422), (method, path, refused.status_code)
