"""Whose vault, on the intake screen (issue 29, items 2 and 6): the owner's name and what
the vault holds appear as the number is typed; ten digits typed for a citizen are
refused beside the field, naming what they look like, with everything typed kept; a
new number needs a name and a confirmation, and the dossier then names its owner."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.web.conftest import CITIZEN_ID, Site, log_in, new_page

ID_FIELD = "Số định danh cá nhân, mã số thuế hoặc mã tham chiếu"


def test_intake_shows_whose_vault_and_refuses_a_short_number_beside_the_field(
        browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.an")
    page.goto("/counter/dossiers/new")
    page.get_by_label("Thủ tục hành chính").select_option("TRICHLUC")
    check = page.locator("#owner-check")

    # A known citizen: her name and her vault, before anything is written.
    page.get_by_label(ID_FIELD).fill(CITIZEN_ID)
    expect(check).to_contain_text("Nguyễn Thị Lan")
    expect(check).to_contain_text("Kho đang giữ")

    # Two digits short: the check says so at once, and so does sending the form.
    page.get_by_label(ID_FIELD).fill("0010990123")
    expect(check).to_contain_text("có dạng mã số thuế")
    page.get_by_label("Ngày hẹn trả kết quả").fill("31/12/2026")
    owner = page.get_by_label(ID_FIELD)
    owner.evaluate("input => input.removeAttribute('pattern')")  # past the browser's check
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(owner).to_have_attribute("aria-invalid", "true")
    expect(owner.locator("xpath=..").locator(".field-error")).to_contain_text(
        "Mã định danh không khớp loại chủ sở hữu")
    expect(page).to_have_url(re.compile("/counter/dossiers/new$"))
    expect(owner).to_have_value("0010990123")
    expect(page.get_by_label("Ngày hẹn trả kết quả")).to_have_value("31/12/2026")
    expect(page.locator("main")).not_to_contain_text("got 10 digits")
    page.context.close()


def test_a_new_owner_needs_a_name_and_a_confirmation(browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.an")
    page.goto("/counter/dossiers/new")
    page.get_by_label("Thủ tục hành chính").select_option("TRICHLUC")
    page.get_by_label(ID_FIELD).fill("079199000222")
    check = page.locator("#owner-check")
    expect(check).to_contain_text("Chưa có kho dữ liệu nào cho số này")

    page.get_by_label("Họ tên người nộp (hoặc tên tổ chức)").fill("Lý Văn Mới")
    page.get_by_role("button", name="Tiếp nhận").click()
    # The browser asks for the confirmation first; nothing was opened.
    expect(page).to_have_url(re.compile("/counter/dossiers/new$"))
    page.get_by_label("Tôi đã đối chiếu số với giấy tờ").check()
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("dl.facts").first).to_contain_text("Lý Văn Mới")
    page.context.close()


def test_a_hand_held_scanner_reads_the_cccd_qr_into_the_intake(
        browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.an")
    page.goto("/counter/dossiers/new")
    qr = page.get_by_label("Quét mã QR trên căn cước")
    # The scanner types the card's QR and ends with Enter, which must not send the form.
    qr.fill("079199000333||Trần Văn Quét|01011990|Nam|Phường Bến Nghé, TP Hồ Chí Minh|"
            "15032021")
    qr.press("Enter")
    expect(page.get_by_label(ID_FIELD)).to_have_value("079199000333")
    expect(page.locator("#owner-check")).to_contain_text("Chưa có kho dữ liệu nào cho số này")
    expect(page.get_by_label("Họ tên người nộp (hoặc tên tổ chức)")).to_have_value("Trần Văn Quét")
    expect(page).to_have_url(re.compile("/counter/dossiers/new$"))
    page.context.close()
