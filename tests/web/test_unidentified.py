"""A counter officer receives a dossier for someone with no personal ID or tax code
(REGULATIONS 48): the supplementary block first, then a reference to receive under."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.web.conftest import Site, log_in, new_page, screenshot


def test_an_officer_issues_a_reference_and_receives_the_dossier_under_it(
        browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.an")
    page.goto("/counter/dossiers/new")
    page.get_by_role("link", name="Cấp mã tham chiếu").click()
    for label, value in (("Họ và tên", "John Michael Smith"), ("Ngày sinh", "12/03/1985"),
                         ("Quốc tịch", "Vương quốc Anh"),
                         ("Giấy tờ tùy thân (loại, số)", "Hộ chiếu 533412987"),
                         ("Nơi cư trú", "12 Lê Lợi, phường Bến Thành")):
        page.get_by_label(label).fill(value)
    screenshot(page, "counter-unidentified")
    page.get_by_role("button", name="Cấp mã tham chiếu").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã cấp mã tham chiếu KDD-")
    owner = page.get_by_label("Số định danh cá nhân, mã số thuế hoặc mã tham chiếu")
    expect(owner).to_have_value(re.compile(r"^KDD-[0-9A-Z]{10}$"))
    expect(page.locator("#kind-unidentified")).to_be_checked()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"-\d{6}-\d{4}"))
