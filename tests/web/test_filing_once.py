"""A second click does not file the same scan again (issue 29, item 1): after a scan is
filed the form starts empty with a new idempotency key, and the same file chosen again
is refused with the document it was filed as."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.inputs import image_bytes, text_page
from tests.web.conftest import CITIZEN_ID, Site, log_in, new_page

pytestmark = pytest.mark.ocr

SCAN = {"name": "cccd.png", "mimeType": "image/png",
        "buffer": image_bytes(text_page(200), "PNG", 200)}


def test_the_form_clears_after_filing_and_the_same_file_is_not_filed_twice(
        browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.an")
    page.goto("/counter/dossiers/new")
    page.get_by_label("Thủ tục hành chính").select_option("TRICHLUC")
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc mã tham chiếu").fill(CITIZEN_ID)
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tiếp nhận hồ sơ")

    page.get_by_label("Thành phần", exact=True).select_option("GTTT")
    files = page.get_by_label("Các trang quét (PDF, JPEG, PNG, TIFF, HEIC)")
    files.set_input_files(SCAN)
    key = page.locator("#scan-key").input_value()
    page.get_by_role("button", name="Số hóa và lưu").dblclick()  # the officer's double click
    expect(page.locator("#scan-result .notice.ok")).to_contain_text(
        "Đã số hóa, ký số và lưu vào kho.", timeout=240_000)
    # Issue 29 item 4: the components table follows the job by itself, no reload.
    parts = page.locator("#dossier-parts")
    components = parts.locator("table").first
    expect(components.get_by_role("row", name=re.compile("^Giấy tờ tùy thân"))).to_contain_text(
        "Đã số hóa")
    expect(parts).not_to_contain_text("Còn thiếu")
    # The form is empty again, with the key of its next request.
    assert files.evaluate("input => input.files.length") == 0
    expect(page.locator("[data-file-list]")).to_have_text("")
    assert page.locator("#scan-key").input_value() not in ("", key)

    # The same file chosen again for the same component is refused, naming what was filed.
    page.get_by_label("Thành phần", exact=True).select_option("GTTT")
    files.set_input_files(SCAN)
    page.get_by_role("button", name="Số hóa và lưu").click()
    expect(page.locator("#scan-result")).to_contain_text(re.compile("đã được lưu"))
    # One document in the dossier, for one paper.
    page.reload()
    linked = page.locator("h2", has_text="Tài liệu của hồ sơ").locator("xpath=following-sibling::table[1]")
    expect(linked.locator("tbody tr")).to_have_count(1)
    # Item 8: the row shows the paper's first page, drawn when it was filed.
    expect(linked.locator("img.thumb")).to_have_attribute("src", re.compile("^data:image/jpeg"))
    # Untitled, the scan is named after its component, not the scanner's file name.
    expect(linked).to_contain_text("Giấy tờ tùy thân")
    expect(linked).not_to_contain_text("cccd")
