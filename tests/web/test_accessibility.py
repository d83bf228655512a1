"""The screens by keyboard alone, with visible focus and readable contrast (issue 7).

A counter officer who does not use a mouse logs in and receives a dossier with Tab,
the arrow keys and Enter; every stop shows where the focus is. Every main screen of
every role, and the login page, is checked in Chromium for text contrast (WCAG 2.1
1.4.3); the markup checks run over every page in ``test_crawl``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from kernel import Role
from tests.web.a11y import contrast_problems, markup_problems
from tests.web.conftest import ACCOUNTS, CITIZEN_ID, Site, log_in, new_page, screenshot

pytestmark = pytest.mark.ocr

FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim(),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


def _tab_to(page: Page, wanted: dict[str, str], limit: int = 40) -> list[dict[str, object]]:
    """Press Tab until the focused element matches ``wanted`` (its id or its text);
    returns every stop on the way, each with whether its focus ring showed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        if all(focused.get(k) == v for k, v in wanted.items()):
            return stops
    raise AssertionError(f"Tab never reached {wanted}: {[s['id'] or s['text'] for s in stops]}")


def test_a_counter_officer_receives_a_dossier_by_keyboard(browser: Browser,
                                                          seeded: Site) -> None:
    # WCAG 2.1 2.1.1 (keyboard), 2.4.1 (bypass blocks), 2.4.7 (focus visible)
    page = new_page(browser, seeded)
    page.goto("/login")
    assert page.evaluate(FOCUSED)["id"] == "username"  # the cursor is already there
    page.keyboard.type("canbo.an")
    page.keyboard.press("Tab")
    page.keyboard.type("mat-khau-thu-nghiem-du-dai")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/counter$"))

    stops = _tab_to(page, {"tag": "a", "text": "Bỏ qua, đến nội dung chính"}, limit=1)
    stops += _tab_to(page, {"tag": "a", "text": "Tiếp nhận hồ sơ"})
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/counter/dossiers/new$"))
    stops += _tab_to(page, {"id": "procedure"})
    for _ in range(10):  # the arrow keys move through the procedures
        if page.locator("#procedure").input_value() == "TRICHLUC":
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#procedure").input_value() == "TRICHLUC"
    # Whose vault: one stop for the group, a citizen already chosen (arrows would change it).
    stops += _tab_to(page, {"id": "kind-citizen"}, limit=1)
    # The căn cước QR field (a hand-held scanner types into it), then the number.
    stops += _tab_to(page, {"id": "card_qr"}, limit=1)
    stops += _tab_to(page, {"id": "owner"}, limit=1)
    page.keyboard.type(CITIZEN_ID)
    expect(page.locator("#owner-check")).to_contain_text("Kho dữ liệu của")
    stops += _tab_to(page, {"tag": "button", "text": "Tiếp nhận"})
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"-\d{6}-\d{4}"))
    hidden = [s for s in stops if not s["outline"]]
    assert not hidden, f"focus not visible on {hidden}"


RECORD = re.compile(r"^/(counter/dossiers/[^/?]+-\d{4}|counter/documents/[^/?]+"
                    r"|vault/documents/[^/?]+|archive/dossiers/[^/?]+/holds)$")


def _screens(page: Page) -> list[str]:
    """The role's menu, and the first record of each kind its lists link to."""
    menu = [a.get_attribute("href") or "" for a in page.locator("nav a").all()]
    records: dict[str, str] = {}
    for path in menu:
        page.goto(path)
        for href in page.locator("main a[href]").evaluate_all("as => as.map(a => a.pathname)"):
            match = RECORD.match(href)
            if match:
                records.setdefault(match.group(1).split("/")[1], href)
    return menu + list(records.values())


@pytest.mark.parametrize("username", ["canbo.an", "congdan", "luutru.an", "quantri"])
def test_every_main_screen_has_readable_contrast(browser: Browser, seeded: Site,
                                                 username: str) -> None:
    # WCAG 2.1 1.4.3 (contrast, minimum); the citizen's screens on a phone
    page = new_page(browser, seeded, phone=ACCOUNTS[username][0] is Role.CITIZEN)
    page.goto("/login")
    problems = [f"/login: {p}" for p in contrast_problems(page)]
    problems += [f"/login: {p}" for p in markup_problems(page.content())]
    log_in(page, username)
    screens = _screens(page)
    assert len(screens) >= 4, screens
    for path in screens:
        page.goto(path)
        problems += [f"{path}: {p}" for p in contrast_problems(page)]
        if username in SHOWN and path != "/reports":  # pictured by the journey
            screenshot(page, f"{SHOWN[username]}-{_slug(path)}")
    assert not problems, problems


#: The screens of the archive and the administration, pictured in the README (the
#: counter's and the citizen's come from the journey).
SHOWN = {"luutru.an": "13", "quantri": "14"}


def _slug(path: str) -> str:
    parts = [p for p in path.strip("/").split("/") if p and not re.search(r"\d{4}", p)]
    return "-".join(parts) or "home"
