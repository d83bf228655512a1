"""Forms keep their input and offer only what will be done (issue 29, item 6): a refused
admin form keeps what was typed and says why beside the field; an officer of another
ward reading a shared paper is offered no edit, no print and no dossier it cannot
open; "Đã có kết quả" is offered only once nothing stands in its way."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.web.conftest import Site, log_in, new_page


def test_a_refused_admin_form_keeps_what_was_typed(browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "quantri")
    page.goto("/admin/accounts")
    page.get_by_label("Tên đăng nhập").fill("canbo.moi")
    page.get_by_label("Họ tên").fill("Đinh Văn Mới")
    page.get_by_label("Vai trò").select_option("staff")
    page.get_by_label("Mật khẩu ban đầu").fill("ngan")  # too short
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator("form [data-form-errors]")).to_contain_text("ít nhất")
    expect(page).to_have_url(re.compile("/admin/accounts$"))
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("canbo.moi")
    expect(page.get_by_label("Họ tên")).to_have_value("Đinh Văn Mới")
    expect(page.locator("main")).not_to_contain_text("password must")
    page.context.close()


def test_another_ward_is_offered_only_reading(browser: Browser, seeded: Site) -> None:
    page = new_page(browser, seeded)
    log_in(page, "canbo.dakao")
    page.locator("table a[href^='/counter/dossiers/']").first.click()
    # Its own dossier, with no result yet: completing it is not offered, and it says why.
    options = page.get_by_label("Chuyển sang").locator("option")
    expect(options).not_to_contain_text(["Đã có kết quả"])
    expect(page.locator("#not-yet")).to_contain_text("chưa có kết quả")
    page.locator("h2", has_text="Giấy tờ công dân cho phép xem").locator(
        "xpath=following-sibling::ul[1]//a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("chỉ cơ quan tiếp nhận hồ sơ mới sửa thông tin")
    expect(page.get_by_role("button", name="Lưu thông tin và lưu trữ")).to_have_count(0)
    expect(page.get_by_role("button", name="In bản giấy có chứng thực")).to_have_count(0)
    expect(page.locator("dl.facts a[href^='/counter/dossiers/']")).to_have_count(0)
    page.context.close()
