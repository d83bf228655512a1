"""The web UI served for real (uvicorn on 127.0.0.1) and Debian's Chromium driven by Playwright.

One site per test module: its own data folder and SQLite database (the database layer
is tested on PostgreSQL elsewhere; the screens are the same on both), two agencies and
an account of every role. The browser runs headless with a fresh profile, no sandbox
(the tests run as root in CI) and no background networking (this machine has no
network beyond package registries).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from kernel import Role, Viewer, parse_owner_id
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.usecases import counter
from sohoa.usecases.results import ResultFields, issue_result
from tests.inputs import image_bytes, text_page, text_pdf
from tests.reviews import review
from tests.sohoa.archive_helpers import write_schedule
from vault import DossierStatus
from vault.owner_check import NewOwner

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "mat-khau-thu-nghiem-du-dai"


def form_log_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the login form as a browser does: the form's CSRF token first."""
    form = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post("/login", data={"username": username, "password": password,
                                       "login_csrf": token.group(1)})
CITIZEN_ID = "001099012345"
AGENCY_A = ("000.00.31.H50", "UBND phường Bến Nghé")
AGENCY_B = ("000.00.31.H51", "UBND phường Đa Kao")
#: username → (role, display name, extra account fields)
ACCOUNTS = {
    "canbo.an": (Role.STAFF, "Phạm Minh Đức", {"agency": AGENCY_A[0]}),
    "canbo.dakao": (Role.STAFF, "Lê Thu Hà", {"agency": AGENCY_B[0]}),
    "congdan": (Role.CITIZEN, "Nguyễn Thị Lan", {"owner": CITIZEN_ID}),
    "luutru.an": (Role.ARCHIVIST, "Trần Văn Lưu", {}),
    "luutru.binh": (Role.ARCHIVIST, "Đỗ Thị Bình", {}),
    "quantri": (Role.ADMIN, "Quản trị hệ thống", {}),
}


@dataclass
class Site:
    services: Services
    url: str
    data: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web")
    saved = {k: os.environ.get(k) for k in ("SOHOA_DATA_DIR", "SOHOA_DATABASE_URL",
                                             "SOHOA_RETENTION_FILE", "SOHOA_PUBLIC_URL",
                                             "SOHOA_HOT_FOLDER")}
    port = _free_port()
    os.environ.update({"SOHOA_DATA_DIR": str(root / "data"),
                       "SOHOA_DATABASE_URL": f"sqlite:///{root / 'sohoa.db'}",
                       "SOHOA_RETENTION_FILE": str(write_schedule(root)),
                       "SOHOA_PUBLIC_URL": f"http://127.0.0.1:{port}",
                       "SOHOA_HOT_FOLDER": str(root / "scanner")})
    services = build_services(Settings())
    for code, name in (AGENCY_A, AGENCY_B):
        services.vault.agencies.add_agency(code, name, actor="test")
    for username, (role, name, extra) in ACCOUNTS.items():
        services.accounts.create(username, role, name, password=PASSWORD, **extra)
    server = uvicorn.Server(uvicorn.Config(create_app(services=services), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    try:
        yield Site(services, f"http://127.0.0.1:{port}", root)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        services.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


STAFF = Viewer(Role.STAFF, "staff:canbo.an", agency=AGENCY_A[0])
ARCHIVIST = Viewer(Role.ARCHIVIST, "archivist:luutru.an")


@pytest.fixture(scope="module")
def seeded(site: Site) -> Site:
    """The site with rows on every screen: a scanned, coded, completed, shared, transferred
    and held dossier, a result, and a file waiting in the scanner folder. Seeded in a
    thread of its own: Playwright's sync API keeps an event loop running in this one,
    and the signing steps start their own."""
    with ThreadPoolExecutor(1) as worker:
        worker.submit(_seed, site).result()
    return site


def _seed(site: Site) -> None:
    services = site.services
    owner = parse_owner_id(CITIZEN_ID)
    opened = services.vault.intake.open_case(AGENCY_A[0], owner, procedure="TRICHLUC", viewer=STAFF,
                                             new_owner=NewOwner("Nguyễn Thị Lan", owner.kind, confirmed=True))
    page = image_bytes(text_page(200), "PNG", 200)
    batch = counter.prepare(services, [("trang.png", page)], owner=CITIZEN_ID,
                            dossier=opened.code, component="GTTT", viewer=STAFF)
    [document] = counter.run(services, batch, actor=STAFF.actor)
    issue_result(services, opened.code, text_pdf("Trich luc"), ResultFields(
        title="Trích lục khai sinh", doc_type="GKS", number_symbol="1/2026/TLKS"),
        viewer=STAFF)
    review(services, document.id, STAFF)
    services.vault.casework.transition(opened.code, DossierStatus.COMPLETED, viewer=STAFF)
    citizen = services.accounts.find("congdan").viewer()
    services.vault.sharing.apply_with_documents(
        owner, AGENCY_B[0], [document.id], procedure="DKKH", purpose="Đăng ký kết hôn",
        expires_at=datetime.now(UTC) + timedelta(days=30), viewer=citizen)
    services.archives.transfer(opened.code, viewer=ARCHIVIST)
    services.disposals.place_hold(opened.code, "Thanh tra năm 2026", viewer=ARCHIVIST)
    scanner = site.data / "scanner" / "canbo.an"
    scanner.mkdir(parents=True, exist_ok=True)
    (scanner / "may-quet-001.png").write_bytes(page)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One browser a module: Playwright's sync API keeps an asyncio loop running in the
    main thread while it is open, which would break any later test that runs a loop
    of its own (pyHanko's validation does) in the same test process."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make test`, which installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser: Browser, site: Site, *, phone: bool = False) -> Page:
    """A fresh browser context (no cookies), desktop or phone-sized."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=site.url, viewport=viewport, locale="vi-VN",
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    return context.new_page()


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page: Page, name: str) -> None:
    """Saved under $SOHOA_SCREENSHOTS when set (``make screenshots``); else nothing."""
    folder = os.environ.get("SOHOA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
