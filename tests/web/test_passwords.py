"""Passwords on the screens (issue 29, items 6 and 7): an administrator resets one and
reads the temporary password once; the person must choose their own at next login;
a refused change says why beside the field and keeps what was typed."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from kernel import Role
from tests.web.conftest import PASSWORD, Site, log_in, new_page

NEW = "mat-khau-rieng-cua-toi-2026"


def _log_in_with(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_an_admin_resets_a_password_and_the_person_must_change_it(
        browser: Browser, site: Site) -> None:
    site.services.accounts.create("canbo.quen", Role.STAFF, "Võ Thị Quyên", password=PASSWORD,
                                  agency="000.00.31.H50")
    admin = new_page(browser, site)
    log_in(admin, "quantri")
    admin.goto("/admin/accounts")
    admin.get_by_role("button", name="Cấp lại mật khẩu cho canbo.quen").click()
    expect(admin.get_by_role("heading", name="Cấp lại mật khẩu")).to_be_visible()
    temporary = admin.locator("[data-temporary-password]").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4})+", temporary), temporary

    person = new_page(browser, site)
    _log_in_with(person, "canbo.quen", temporary)
    # Whatever the person asks for, the password page comes first.
    expect(person).to_have_url(re.compile("/account/password$"))
    expect(person.get_by_role("status")).to_contain_text("Quản trị viên đã cấp lại mật khẩu")
    person.goto("/counter")
    expect(person).to_have_url(re.compile("/account/password$"))

    person.get_by_label("Mật khẩu tạm thời quản trị viên đưa").fill(temporary)
    person.get_by_label("Mật khẩu mới", exact=True).fill(NEW)
    person.get_by_label("Nhập lại mật khẩu mới").fill(NEW + "x")
    person.get_by_role("button", name="Đổi mật khẩu").click()
    # The reason sits beside the field at fault, and nothing typed is lost.
    confirmation = person.get_by_label("Nhập lại mật khẩu mới")
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    expect(confirmation.locator("xpath=..").locator(".field-error")).to_contain_text(
        "không khớp")
    expect(person.get_by_label("Mật khẩu mới", exact=True)).to_have_value(NEW)
    expect(person).to_have_url(re.compile("/account/password$"))

    confirmation.fill(NEW)
    person.get_by_role("button", name="Đổi mật khẩu").click()
    expect(person.get_by_role("status").first).to_contain_text("Đã đổi mật khẩu")
    expect(person).to_have_url(re.compile("/counter"))

    again = new_page(browser, site)
    _log_in_with(again, "canbo.quen", NEW)
    expect(again).to_have_url(re.compile("/counter"))
    for context in (admin.context, person.context, again.context):
        context.close()


def test_a_person_changes_their_own_password_from_any_page(
        browser: Browser, site: Site) -> None:
    site.services.accounts.create("congdan.doi", Role.CITIZEN, "Lý Văn Đổi", password=PASSWORD,
                                  owner="079199000111")
    page = new_page(browser, site, phone=True)
    log_in(page, "congdan.doi")
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.get_by_label("Mật khẩu hiện tại").fill("khong-phai-mat-khau")
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    current = page.get_by_label("Mật khẩu hiện tại")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current.locator("xpath=..").locator(".field-error")).to_contain_text(
        "Mật khẩu hiện tại không đúng")
    expect(page.locator("main")).not_to_contain_text("current password")

    current.fill(PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã đổi mật khẩu")
    page.context.close()
