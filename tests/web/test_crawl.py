"""Every link a logged-in person of each role can reach answers without a server error.

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
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from kernel import Role
from sohoa.api import create_app
from sohoa.web.menus import home_of
from tests.routes import served_routes
from tests.web.a11y import markup_problems
from tests.web.conftest import ACCOUNTS, Site, form_log_in

pytestmark = pytest.mark.ocr

HREF = re.compile(r'href="([^"#]+)"')
AREAS = ("/counter", "/vault", "/archive", "/admin", "/reports")
#: The areas each role works in; every other area must refuse it.
ALLOWED = {Role.STAFF: ("/counter", "/reports"), Role.CITIZEN: ("/vault",),
           Role.ARCHIVIST: ("/archive", "/reports"), Role.ADMIN: ("/admin", "/reports")}


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_no_server_error_anywhere_a_role_can_reach(seeded: Site, username: str) -> None:
    role = ACCOUNTS[username][0]
    with httpx.Client(base_url=seeded.url, timeout=60) as client:
        logged = form_log_in(client, username)
        assert logged.status_code == 303, logged.text
        start = home_of(role)
        seen, queue, failures = {start}, deque([start]), []
        while queue:
            path = queue.popleft()
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"{path}: {response.status_code}")
                continue
            foreign = next((a for a in AREAS if path.startswith(a)), None)
            if foreign and foreign not in ALLOWED[role] and response.status_code < 400:
                failures.append(f"{path}: another role's screen answered {response.status_code}")
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            # REGULATIONS — none; WCAG 2.1 1.1.1, 1.3.1, 3.1.1, 4.1.2 (issue 7: accessible)
            failures += [f"{path}: {problem}" for problem in markup_problems(response.text)]
            for href in HREF.findall(response.text):
                target = urljoin(f"{seeded.url}{path}", href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc != urlsplit(seeded.url).netloc or parts.path.startswith(
                        ("/static/", "/api/")):
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local not in seen and len(seen) < 400:
                    seen.add(local)
                    queue.append(local)
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
